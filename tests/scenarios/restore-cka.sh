# Backup and restore the CKA way on the playground's host: save, lose a write, restore into a
# new data dir, start etcd on it. Facts checked by tests/unit/scenario/restore.test.ts were
# measured with real etcd 3.4.23 doing the same (restore with the defaults: member `default`,
# peer http://localhost:2380, token etcd-cluster).
etcdctl put a 1
etcdctl lease grant 600
etcdctl put b 2
etcdctl snapshot save /tmp/snap.db
etcdctl put after-backup x
etcdctl snapshot restore /tmp/snap.db --data-dir /var/lib/etcd-restore
ls /var/lib/etcd-restore/member/snap /var/lib/etcd-restore/member/wal
etcd --data-dir /var/lib/etcd-restore
etcd --data-dir /var/lib/etcd-restore
playground restart etcd-2
playground status
etcdctl get "" --prefix --keys-only
etcdctl member list
etcdctl lease list
etcdctl put c 3 -w json
etcdctl snapshot restore /var/lib/etcd-restore/member/snap/db --data-dir /var/lib/etcd-copy
etcdctl snapshot restore /var/lib/etcd-restore/member/snap/db --data-dir /var/lib/etcd-copy --skip-hash-check 2>&1 | grep -c 'restored snapshot'

# snapshot save/status/restore.
etcdctl put a 1
etcdctl put b 2
etcdctl snapshot save snap.db
etcdctl snapshot status snap.db
etcdctl snapshot status snap.db -w table
etcdctl snapshot status snap.db -w json
etcdctl snapshot status snap.db -w fields
etcdctl snapshot save
etcdctl snapshot save a b
etcdctl snapshot status
etcdctl snapshot status missing.db
etcdctl --endpoints=127.0.0.11:2379,127.0.0.12:2379 snapshot save two.db
etcdctl snapshot save /nonexistent/dir/x.db
etcdctl snapshot restore snap.db --data-dir=restored
ls restored/member
etcdctl snapshot restore snap.db --data-dir=restored
etcdctl snapshot restore snap.db --name=m1 --initial-cluster=m1=http://m1:2380 --initial-cluster-token=tok --initial-advertise-peer-urls=http://m1:2380 --data-dir=r2
etcdctl snapshot restore
etcdctl snapshot restore missing.db --data-dir=r3

# member list/add/update/promote/remove and their errors.
sleep 6
etcdctl member list
etcdctl member list -w table
etcdctl member list -w json
etcdctl member list -w fields
etcdctl member list --hex
etcdctl member add etcd-4 --peer-urls=http://etcd-4:2380
etcdctl member list
etcdctl member list -w table
NEW=$(etcdctl member list | grep unstarted | cut -d, -f1)
etcdctl member update $NEW --peer-urls=http://etcd-4:2381
etcdctl member list -w fields
etcdctl member promote $NEW
etcdctl member remove $NEW
etcdctl member add etcd-5 --learner --peer-urls=http://etcd-5:2380,http://etcd-5:2390
LEARNER=$(etcdctl member list | grep unstarted | cut -d, -f1)
etcdctl member list
etcdctl member promote $LEARNER
etcdctl member add etcd-6 --learner --peer-urls=http://etcd-6:2380
etcdctl member remove $LEARNER -w json
etcdctl member add etcd-7 --peer-urls=http://etcd-7:2380 -w json
SEVEN=$(etcdctl member list | grep unstarted | cut -d, -f1)
etcdctl member update $SEVEN --peer-urls=http://etcd-7:2390 -w json
etcdctl member remove $SEVEN -w fields
etcdctl member add etcd-8 --peer-urls=http://etcd-8:2380 -w fields
etcdctl member add etcd-9 --peer-urls=http://etcd-1:2380
etcdctl member add
etcdctl member add etcd-10
etcdctl member add etcd-10 http://etcd-10:2380
etcdctl member add etcd-10 x y
etcdctl member add etcd-10 --peer-urls=not-a-url
etcdctl member remove
etcdctl member remove zz
etcdctl member remove 1234
etcdctl member update 1234
etcdctl member update 1234 --peer-urls=http://etcd-1:2390
etcdctl member update
etcdctl member promote
etcdctl member promote 1234
etcdctl member promote ac50589ee05989df
etcdctl member update ac50589ee05989df --peer-urls=http://etcd-1:2380
etcdctl member list -w table

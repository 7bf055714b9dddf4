# endpoint health/status/hashkv, --cluster, several endpoints, every format.
etcdctl endpoint health
etcdctl endpoint health -w table
etcdctl endpoint health -w json
etcdctl endpoint health -w fields
etcdctl endpoint health --cluster
etcdctl endpoint health --cluster -w table
etcdctl --endpoints=127.0.0.11:2379,127.0.0.12:2379,127.0.0.13:2379 endpoint health -w table
etcdctl endpoint status
etcdctl endpoint status -w table
etcdctl endpoint status -w json
etcdctl endpoint status -w fields
etcdctl endpoint status --cluster
etcdctl endpoint status --cluster -w table
etcdctl endpoint status --cluster -w json
etcdctl --endpoints=http://etcd-1:2379,http://etcd-2:2379 endpoint status
etcdctl --endpoints=etcd-3:2379 endpoint status -w table
etcdctl put k v
etcdctl endpoint hashkv
etcdctl endpoint hashkv --cluster
etcdctl endpoint hashkv --cluster -w table
etcdctl endpoint hashkv -w json
etcdctl endpoint hashkv -w fields
etcdctl endpoint hashkv --rev=1
etcdctl endpoint hashkv --rev=100
etcdctl endpoint status -w table | awk 'NR==2 {print $5}'
etcdctl --endpoints=127.0.0.1:2379,127.0.0.1:1 --dial-timeout=1s endpoint health
etcdctl --endpoints=127.0.0.1:1 --dial-timeout=1s endpoint status
etcdctl --endpoints=127.0.0.1:1 --dial-timeout=1s endpoint hashkv
etcdctl endpoint
etcdctl endpoint bogus

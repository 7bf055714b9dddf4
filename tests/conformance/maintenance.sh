# compaction, defrag, alarms, move-leader, version.
etcdctl put a 1
etcdctl put a 2
etcdctl put a 3
etcdctl put b 1
etcdctl compaction 3
etcdctl get a --rev=2
etcdctl get a --rev=3
etcdctl compaction 3
etcdctl compaction 2
etcdctl compaction 100
etcdctl compaction --physical 4
etcdctl compact 5
etcdctl comp 5
etcdctl compaction
etcdctl compaction abc
etcdctl compaction 1 2
etcdctl compaction -- -1
etcdctl defrag
etcdctl defrag --cluster
etcdctl --endpoints=127.0.0.11:2379,127.0.0.12:2379 defrag
etcdctl defrag -w json
etcdctl --endpoints=127.0.0.1:1 --dial-timeout=1s --command-timeout=1s defrag
etcdctl alarm list
etcdctl alarm list -w json
etcdctl alarm list -w fields
etcdctl alarm disarm
etcdctl alarm disarm -w json
etcdctl alarm list extra
etcdctl alarm disarm extra
etcdctl alarm
etcdctl move-leader 9f62c65b34c1424b
etcdctl --endpoints=127.0.0.11:2379,127.0.0.12:2379,127.0.0.13:2379 move-leader 9f62c65b34c1424b
etcdctl --endpoints=127.0.0.11:2379,127.0.0.12:2379,127.0.0.13:2379 endpoint status
etcdctl --endpoints=127.0.0.11:2379,127.0.0.12:2379,127.0.0.13:2379 move-leader ac50589ee05989df -w json
etcdctl --endpoints=127.0.0.11:2379,127.0.0.12:2379,127.0.0.13:2379 move-leader 9f62c65b34c1424b -w fields
etcdctl --endpoints=127.0.0.11:2379,127.0.0.12:2379,127.0.0.13:2379 move-leader 1234
etcdctl move-leader
etcdctl move-leader zz
etcdctl version
etcdctl version -w json
etcdctl ver

# help and usage text for every command.
etcdctl
etcdctl --help
etcdctl -h
etcdctl help
etcdctl help get
etcdctl help lease grant
etcdctl help nonexistent
etcdctl help foo bar
etcdctl --help get
etcdctl get --help
etcdctl get -h
etcdctl put --help
etcdctl del --help
etcdctl txn --help
etcdctl compaction --help
etcdctl watch --help
etcdctl lease
etcdctl lease foo
etcdctl lease --help
etcdctl lease grant --help
etcdctl lease revoke --help
etcdctl lease timetolive --help
etcdctl lease list --help
etcdctl lease keep-alive --help
etcdctl member
etcdctl member add --help
etcdctl member list --help
etcdctl member remove --help
etcdctl member update --help
etcdctl member promote --help
etcdctl endpoint --help
etcdctl endpoint health --help
etcdctl endpoint status --help
etcdctl endpoint hashkv --help
etcdctl defrag --help
etcdctl alarm --help
etcdctl alarm list --help
etcdctl alarm disarm --help
etcdctl snapshot --help
etcdctl snapshot save --help
etcdctl snapshot status --help
etcdctl snapshot restore --help
etcdctl move-leader --help
etcdctl lock --help
etcdctl elect --help
etcdctl check --help
etcdctl check perf --help
etcdctl check datascale --help
etcdctl version --help
etcdctl auth --help
etcdctl auth enable --help
etcdctl auth disable --help
etcdctl user --help
etcdctl user add --help
etcdctl user delete --help
etcdctl user get --help
etcdctl user list --help
etcdctl user passwd --help
etcdctl user grant-role --help
etcdctl user revoke-role --help
etcdctl role --help
etcdctl role add --help
etcdctl role delete --help
etcdctl role get --help
etcdctl role list --help
etcdctl role grant-permission --help
etcdctl role revoke-permission --help
etcdctl make-mirror --help
etcdctl migrate --help
etcdctl completion --help
etcdctl completion bash --help
etcdctl help help

# unknown commands and flags, prefixes, bad endpoints, environment variables, exit codes.
etcdctl foo
etcdctl c
etcdctl ge foo
etcdctl --foo get x
etcdctl get x --foo
etcdctl get x -z
etcdctl get x -wjson
etcdctl get x -w=json
etcdctl -w bogus get x
etcdctl -w protobuf get x
etcdctl -w table get x
etcdctl get --limit=abc x
etcdctl get --limit 99999999999999999999 x
etcdctl get --prefix=maybe x
etcdctl get x -w
etcdctl get x --rev
etcdctl get --=x
etcdctl get ---x
etcdctl --dial-timeout=abc get x
etcdctl --dial-timeout=5 get x
etcdctl --command-timeout=1x get x
etcdctl --endpoints=127.0.0.1:1 --dial-timeout=1s get x
etcdctl --endpoints=127.0.0.1:1 --dial-timeout=1s put x y
etcdctl --endpoints=http://127.0.0.1:1 --dial-timeout=1s del x
etcdctl --endpoints=127.0.0.1:1 --dial-timeout=1s member list
etcdctl --endpoints=127.0.0.1:1 --dial-timeout=1s lease grant 5
etcdctl --endpoints=127.0.0.1:1 --dial-timeout=1s compaction 5
etcdctl --endpoints=127.0.0.1:1 --dial-timeout=1s alarm list
etcdctl --endpoints=127.0.0.11:2379,127.0.0.1:1 get x
etcdctl --endpoints=http://etcd-2:2379 put viaetcd2 v
etcdctl --endpoints=etcd-3:2379 get viaetcd2 -w json
# clientv3 picks either endpoint, so print nothing member-specific
etcdctl --endpoints 127.0.0.12:2379 --endpoints 127.0.0.13:2379 get viaetcd2
export ETCDCTL_ENDPOINTS=http://127.0.0.12:2379
etcdctl get viaetcd2 -w json
etcdctl --endpoints=127.0.0.1:2379 get viaetcd2
unset ETCDCTL_ENDPOINTS
export ETCDCTL_WRITE_OUT=json
etcdctl get viaetcd2
etcdctl version
unset ETCDCTL_WRITE_OUT
ETCDCTL_HEX=true etcdctl get viaetcd2
ETCDCTL_FOO=bar etcdctl get viaetcd2
ETCDCTL_DIAL_TIMEOUT=xyz etcdctl get viaetcd2
ETCDCTL_API=3 etcdctl get viaetcd2
ETCDCTL_API=4 etcdctl get viaetcd2
ETCDCTL_COMMAND_TIMEOUT=1ms etcdctl --command-timeout=2s get viaetcd2
ETCDCTL_WATCH_KEY=wk etcdctl get viaetcd2
etcdctl --cert=missing.pem get x
etcdctl --cacert= get x
etcdctl --key=missing.key --cert=missing.pem get x
etcdctl --insecure-transport=false --dial-timeout=1s get x
etcdctl --debug=maybe get x
etcdctl --user=root:pw get x
etcdctl --user=nobody:pw get x
etcdctl get x --print-value-only -w json
etcdctl check
etcdctl check perf --load=bogus
etcdctl make-mirror
etcdctl migrate
etcdctl completion

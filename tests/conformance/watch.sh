# watch: single key, prefix, range, history replay, prev-kv, every output format, exec, interactive.
etcdctl put foo v0
etcdctl watch foo &
etcdctl put foo v1
etcdctl del foo
etcdctl watch --prefix /app/ --prev-kv &
etcdctl put /app/a 1
etcdctl put /app/a 2
etcdctl del /app/a
etcdctl watch --rev=1 foo &
etcdctl watch --rev=2 --prefix "" -w json &
etcdctl put bar b1
etcdctl watch a c &
etcdctl put b inrange
etcdctl put c outofrange
etcdctl watch -w fields fld &
etcdctl put fld x
etcdctl watch --hex hx &
etcdctl put hx hi
etcdctl watch ex -- echo fired &
etcdctl put ex 1
etcdctl watch -- ex2 echo fired2 &
etcdctl put ex2 2
etcdctl watch
etcdctl watch a b c &
etcdctl put b 3args
etcdctl put a 3args
etcdctl watch a b --prefix
etcdctl watch foo --
etcdctl watch -w table tbl &
etcdctl put tbl x
etcdctl compaction 3
etcdctl watch --rev=2 foo
etcdctl watch -i <<EOF
watch ikey
EOF
etcdctl watch -i <<EOF
put x y
watch
EOF

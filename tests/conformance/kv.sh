# put, get and del with every flag, values from stdin, and their argument errors.
etcdctl put foo bar
etcdctl put foo bar2 --prev-kv
etcdctl get foo
etcdctl get foo --print-value-only
etcdctl put a 1
etcdctl put b 2
etcdctl put c 3
etcdctl put /app/x 10
etcdctl put /app/y 20
etcdctl put /app/z 15
etcdctl get a c
etcdctl get --prefix /app/
etcdctl get --prefix /app/ --keys-only
etcdctl get --from-key b
etcdctl get a --from-key --limit 2
etcdctl get --prefix "" --keys-only
etcdctl get /app/ --prefix --limit=1
etcdctl get a --rev=3
etcdctl get a --rev 2
etcdctl get --prefix --order=DESCEND --sort-by=MODIFY /app/
etcdctl get --prefix --sort-by=VALUE /app/
etcdctl get --prefix --sort-by=VALUE --order=DESCEND /app/
etcdctl get --prefix --sort-by=CREATE --order=ASCEND /app/ --keys-only
etcdctl get --prefix --sort-by=KEY --order=DESCEND /app/ --keys-only
etcdctl get --prefix --sort-by=VERSION /app/ --keys-only
etcdctl get --prefix --order=DESCEND /app/ --keys-only
etcdctl get --order=bogus foo
etcdctl get --sort-by=bogus foo
etcdctl get foo --consistency=s
etcdctl get foo --consistency=x
etcdctl get missing
etcdctl get foo --rev=100
etcdctl get foo --limit=-1
etcdctl get x --prefix --from-key
etcdctl get x y --prefix
etcdctl get x y --from-key
etcdctl get a b c
etcdctl get
etcdctl get --prefix /app/ --print-value-only
etcdctl get --prefix /app/ --print-value-only --keys-only
echo hello | etcdctl put piped
etcdctl get piped
printf 'multi\nline' | etcdctl put ml
etcdctl get ml
etcdctl put emptyin < /dev/null
etcdctl get emptyin -w json
etcdctl put -- -k -v
etcdctl get -- -k
etcdctl put k2 -- -v2
etcdctl get k2
etcdctl put foo --ignore-value
etcdctl get foo
etcdctl put foo newv --ignore-value
etcdctl put missing2 --ignore-value
etcdctl put foo v --lease=1234
etcdctl put foo v --lease=zz
etcdctl put foo v --ignore-lease
etcdctl put foo v --ignore-lease --lease=5
etcdctl put
etcdctl put onlykey extra extra2
etcdctl put "" v
etcdctl put 'spaced key' 'spaced value'
etcdctl get 'spaced key'
etcdctl put unicode héllo
etcdctl get unicode
etcdctl del a
etcdctl del a
etcdctl del --prefix /app/ --prev-kv
etcdctl del b d
etcdctl del --from-key c --prev-kv
etcdctl get "" --prefix --keys-only
etcdctl del
etcdctl del a b c
etcdctl del x --prefix --from-key
etcdctl del x y --prefix
etcdctl del x y --from-key
etcdctl get --prefix "" -w json

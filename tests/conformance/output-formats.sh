# kv responses in every output format, with --hex and binary-ish values.
etcdctl put k1 v1
etcdctl put k2 'with "quotes" and \ backslash'
etcdctl put k1 v1b --prev-kv -w json
etcdctl put k1 v1c --prev-kv -w fields
etcdctl put k3 v3 -w json
etcdctl put k3 v3 -w fields
etcdctl put k1 v1d -w protobuf
etcdctl get k1 -w json
etcdctl get k1 -w fields
etcdctl get k --prefix -w json
etcdctl get k --prefix -w fields
etcdctl get k --prefix --limit=1 -w json
etcdctl get k --prefix --limit=1 -w fields
etcdctl get k --prefix --keys-only -w json
etcdctl get k --prefix --keys-only -w fields
etcdctl get k --prefix --hex
etcdctl get k --prefix --hex --keys-only
etcdctl get k2 --hex --print-value-only
etcdctl get k2 -w fields
etcdctl get nokey -w json
etcdctl get nokey -w fields
etcdctl get k1 -w protobuf
etcdctl get k1 -w table
etcdctl get k1 -w json --hex
etcdctl del k3 -w json
etcdctl del k3 -w json
etcdctl del k1 --prev-kv -w json
etcdctl del k2 --prev-kv -w fields
etcdctl del nokey -w fields
etcdctl put uni 'héllo wörld ✓'
etcdctl get uni -w fields
etcdctl get uni -w json
etcdctl get uni --hex
printf 'tab\there\nnl\001ctl' | etcdctl put ctl
etcdctl get ctl -w fields
etcdctl get ctl --hex
printf '\377\376bin\x00\x80end' | etcdctl put bin
etcdctl get bin -w fields
etcdctl get bin -w json
etcdctl get bin --print-value-only --hex
etcdctl get bin --hex
etcdctl get bin -w json --hex
etcdctl get bin --prefix -w table
printf '\xc3\xa9\xff' | etcdctl put bin2
etcdctl get bin2 -w fields
etcdctl get bin2 --hex --print-value-only
etcdctl get bin2 -w json
etcdctl get bin2 --print-value-only
etcdctl put '<html>&' '<b>&amp;</b>'
etcdctl get '<html>&' -w json
etcdctl get '<html>&' -w fields

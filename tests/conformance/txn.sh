# txn from stdin and interactive (-i), every compare target and operator, nested outputs.
etcdctl put key1 v1
etcdctl put key2 v2
etcdctl txn <<EOF
value("key1") = "v1"

put key1 new1
get key2

put key1 fail1


EOF
etcdctl get key1
etcdctl txn <<EOF
value("key1") = "nope"

put key1 x

get key1 --prefix
del key2
put key3 v3 --prev-kv


EOF
etcdctl txn <<EOF
mod("key1") > "0"
create("key1") != "0"
version("key1") < "10"
c("key3") = "7"
m("key3") = "7"
ver("key3") = "1"
val("key3") = "v3"

del key3 --prev-kv
put key1 both

put never happens


EOF
etcdctl txn <<EOF
value("missing") = "x"

put a 1

put b 2


EOF
etcdctl txn -w json <<EOF
value("key1") = "both"

get key1
put key1 json

del nothing


EOF
etcdctl txn -w fields <<EOF
version("key1") > "0"

get key1
put key9 f --prev-kv
del key2 --prev-kv


EOF
etcdctl txn <<EOF



EOF
etcdctl txn -i <<EOF
value("key1") = "x"

put key1 i1

put key1 i2


EOF
etcdctl get key1
etcdctl txn --interactive <<EOF

get key1


EOF
etcdctl txn <<EOF
bogus compare
EOF
etcdctl txn <<EOF
value("key1") ~ "x"
EOF
etcdctl txn <<EOF
value(key1) = "x"
EOF
etcdctl txn <<EOF
value("key1") = x
EOF
etcdctl txn <<EOF
lease("key1") = "zz"
EOF
etcdctl txn <<EOF
mod("key1") = "abc"
EOF
etcdctl txn <<EOF

frob key1


EOF
etcdctl txn <<EOF

put onlykey


EOF
etcdctl txn <<EOF

get key1 --bogus


EOF
etcdctl txn <<EOF

put k1 v1
put k1 v2


EOF
etcdctl txn <<EOF
value("key1") = "i2"
EOF
etcdctl txn extra
etcdctl txn --hex <<EOF

get key1


EOF
etcdctl txn <<EOF

put "quoted key" "quoted \"value\""
get "quoted key"


EOF
etcdctl txn <<EOF
value("key1") = "i2"
value("key1") = "other"

get key1

get key2


EOF
etcdctl txn -w table <<EOF

get key1


EOF

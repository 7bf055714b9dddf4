# etcdctl in pipes and $(...): output captured into arguments, heredocs and for lists, a
# watch streaming into grep, sed and a while-read loop, head ending a watch or keep-alive.
etcdctl put k2 from-k2
etcdctl put k "$(etcdctl get k2 --print-value-only)"
etcdctl get k --print-value-only
etcdctl put k3 "$(etcdctl get k2 --print-value-only | tr a-z A-Z)"
etcdctl get k3 --print-value-only
for key in $(etcdctl get k --prefix --keys-only); do echo "$key=$(etcdctl get "$key" --print-value-only)"; done
etcdctl txn <<EOF
value("k") = "$(etcdctl get k2 --print-value-only)"

put k4 "$(etcdctl get k3 --print-value-only)"


EOF
etcdctl get k4 --print-value-only
echo "$(etcdctl get k4 --print-value-only)$(etcdctl get nokey)" | wc -c
etcdctl watch w --prefix | grep --line-buffered -v '^w' &
etcdctl put w1 a
etcdctl put w2 b
etcdctl watch s | sed -u 's/^/s: /' &
etcdctl put s one
etcdctl watch r --prefix | while read -r line; do echo "read [$line]"; done &
etcdctl put r1 x
etcdctl put r2 'two words'
(sleep 1; etcdctl put h 1; etcdctl put h 2; sleep 1; etcdctl put h 3) >/dev/null &
etcdctl watch h | head -n 4
(sleep 1; etcdctl put h2 x; sleep 1; etcdctl put h2 y) >/dev/null &
v=$(etcdctl watch h2 | head -n 3); echo "[$v]"
ID=$(etcdctl lease grant 3 | awk '{print $2}')
etcdctl lease keep-alive "$ID" | head -n 2 | sed 's/[0-9a-f]\{16\}/ID/'
etcdctl watch gone | grep --line-buffered gone &
etcdctl put gone 1

# leases: grant, attach, timetolive, list, keep-alive --once, revoke, errors, every format.
etcdctl lease grant 600
LEASE=$(etcdctl lease grant 600 | awk '{print $2}')
etcdctl put --lease=$LEASE lk1 v1
etcdctl put --lease=$LEASE lk2 v2
etcdctl lease timetolive $LEASE
etcdctl lease timetolive $LEASE --keys
etcdctl lease timetolive --keys $LEASE -w json
etcdctl lease timetolive $LEASE -w fields
etcdctl lease list
etcdctl lease list -w json
etcdctl lease list -w fields
etcdctl lease keep-alive --once $LEASE
etcdctl lease keep-alive --once $LEASE -w json
etcdctl lease keep-alive --once $LEASE -w fields
etcdctl lease grant 100 -w json
etcdctl lease grant 100 -w fields
etcdctl lease grant 0
etcdctl lease grant -5
etcdctl lease grant abc
etcdctl lease grant
etcdctl lease grant 10 20
etcdctl lease grant 99999999999
etcdctl lease revoke $LEASE
etcdctl get lk1
etcdctl lease timetolive $LEASE
etcdctl lease timetolive $LEASE -w json
etcdctl lease revoke $LEASE
etcdctl lease revoke zz
etcdctl lease revoke
etcdctl lease keep-alive --once $LEASE
etcdctl lease keep-alive
etcdctl lease timetolive
etcdctl lease timetolive xyz
etcdctl lease revoke 123 -w json
L2=$(etcdctl lease grant 300 | awk '{print $2}')
etcdctl lease revoke $L2 -w json
etcdctl lease revoke $L2 -w fields
L3=$(etcdctl lease grant 300 | awk '{print $2}')
etcdctl lease revoke $L3 -w fields
L4=$(etcdctl lease grant 60 | awk '{print $2}')
etcdctl lease keep-alive $L4 &
etcdctl put --lease=$L4 kk v
etcdctl lease revoke $L4
etcdctl lease grant 5 -w table
etcdctl lease list -w table

# lock and elect: holding, waiting, running a command, observing.
etcdctl lock mylock &
etcdctl get --prefix mylock --keys-only
etcdctl lock another echo got the lock
etcdctl lock --ttl=5 other echo held
etcdctl lock
etcdctl elect myelection proposal-1 &
etcdctl elect -l myelection &
etcdctl get --prefix myelection --print-value-only
etcdctl elect myelection
etcdctl elect -l myelection p
etcdctl elect
etcdctl elect a b c

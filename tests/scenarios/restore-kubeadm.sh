# preset: kubernetes
# cluster: 1
# The kubeadm restore: point the etcd static pod's etcd-data hostPath at the restored dir and
# the kubelet restarts etcd there (seen when the terminal next reaches the cluster).
export ETCDCTL_CACERT=/etc/kubernetes/pki/etcd/ca.crt ETCDCTL_CERT=/etc/kubernetes/pki/etcd/server.crt ETCDCTL_KEY=/etc/kubernetes/pki/etcd/server.key
etcdctl snapshot save /tmp/snap.db >/dev/null 2>&1
etcdctl del /registry/deployments/ --prefix
etcdctl put /registry/configmaps/default/late '{}'
etcdctl snapshot restore /tmp/snap.db --data-dir /var/lib/etcd-from-backup 2>/dev/null
sed -i 's#path: /var/lib/etcd$#path: /var/lib/etcd-from-backup#' /etc/kubernetes/manifests/etcd.yaml
etcdctl member list
etcdctl get /registry/deployments/ --prefix --keys-only
etcdctl get /registry/configmaps/default/late
etcdctl get /registry/namespaces/default -w json | cut -c1-70
sed -i 's#path: /var/lib/etcd-from-backup#path: /var/lib/etcd-empty#' /etc/kubernetes/manifests/etcd.yaml
etcdctl get /registry/deployments/default/nginx --keys-only
etcdctl get /registry/deployments/default/nginx --keys-only

# users, roles, permissions and authentication.
etcdctl user add root --new-user-password=rootpw
etcdctl user add alice:alicepw
etcdctl user add bob --no-password
echo bobpw2 | etcdctl user add carol --interactive=false
etcdctl user add alice:again
etcdctl user add :nopw
etcdctl user add
etcdctl user list
etcdctl user list -w json
etcdctl role add reader
etcdctl role add writer
etcdctl role add reader
etcdctl role list
etcdctl role list -w json
etcdctl role list -w fields
etcdctl role grant-permission reader read /data/ --prefix
etcdctl role grant-permission reader read /exact
etcdctl role grant-permission reader read a z
etcdctl role grant-permission reader readwrite /from --from-key
etcdctl role grant-permission writer write /data/ --prefix
etcdctl role grant-permission writer bogus /x
etcdctl role grant-permission writer read
etcdctl role grant-permission writer read /x --prefix --from-key
etcdctl role grant-permission writer read /x /y --prefix
etcdctl role grant-permission nobody read /x
etcdctl role get reader
etcdctl role get reader -w json
etcdctl role get reader -w fields
etcdctl role get nobody
etcdctl user grant-role alice reader
etcdctl user grant-role alice writer
etcdctl user grant-role alice nobody
etcdctl user grant-role nobody reader
etcdctl user get alice
etcdctl user get alice --detail
etcdctl user get alice -w json
etcdctl user get nobody
etcdctl user revoke-role alice writer
etcdctl user revoke-role alice writer
etcdctl role revoke-permission reader /exact
etcdctl role revoke-permission reader a z
etcdctl role revoke-permission reader /data/ --prefix
etcdctl role revoke-permission reader /nothing
etcdctl role get reader
etcdctl auth enable
etcdctl user grant-role root root
etcdctl auth enable
etcdctl get foo
etcdctl --user=root:rootpw put foo bar
etcdctl --user=root --password=rootpw get foo
etcdctl --user=root:wrong get foo
etcdctl --user=alice:alicepw get foo
etcdctl --user=root:rootpw role grant-permission reader read foo
etcdctl --user=alice:alicepw get foo
etcdctl --user=alice:alicepw put foo baz
echo newpw | etcdctl --user=root:rootpw user passwd alice --interactive=false
etcdctl --user=alice:newpw get foo
etcdctl --user=root:rootpw user delete bob
etcdctl --user=root:rootpw role delete writer
etcdctl --user=root:rootpw user list
etcdctl --user=root:rootpw auth disable
etcdctl auth disable
etcdctl user delete nobody
etcdctl role delete nobody
etcdctl user get
etcdctl role get
etcdctl user grant-role alice
etcdctl auth enable extra

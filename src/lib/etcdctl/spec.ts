/**
 * The command spec table: every etcdctl 3.4.23 command with its usage line, descriptions and
 * flags, exactly as the real binary's help shows them (names, defaults, usage strings). It
 * drives flag parsing (parse.ts), help and usage text (help.ts) and Tab completion.
 *
 * Flag `def` is pflag's DefValue as help prints it; `type` picks the parser and the error text.
 * `hidden` flags are accepted but left out of help (3.5 additions the 3.4.23 help lacks).
 */

export type FlagType = 'bool' | 'string' | 'int' | 'int64' | 'duration' | 'stringSlice';

export interface FlagSpec {
	name: string;
	/** One-letter shorthand (`-w`). */
	short?: string;
	type: FlagType;
	/** The default as pflag prints it (`5s`, `[127.0.0.1:2379]`, `false`). */
	def: string;
	usage: string;
	/** Inherited by subcommands (cobra PersistentFlags). */
	persistent?: boolean;
	/** Accepted but not listed in help. */
	hidden?: boolean;
}

export interface CommandSpec {
	name: string;
	/** cobra's Use: the command name then its argument synopsis. */
	use: string;
	short: string;
	long?: string;
	flags: FlagSpec[];
	children?: CommandSpec[];
	/** cobra's DisableFlagsInUseLine (the usage line lacks ` [flags]`). */
	noFlagsInUseLine?: boolean;
}

export const GLOBAL_FLAGS: FlagSpec[] = [
	{
		name: 'cacert',
		type: 'string',
		def: '',
		usage: 'verify certificates of TLS-enabled secure servers using this CA bundle'
	},
	{
		name: 'cert',
		type: 'string',
		def: '',
		usage: 'identify secure client using this TLS certificate file'
	},
	{
		name: 'command-timeout',
		type: 'duration',
		def: '5s',
		usage: 'timeout for short running command (excluding dial timeout)'
	},
	{ name: 'debug', type: 'bool', def: 'false', usage: 'enable client-side debug logging' },
	{
		name: 'dial-timeout',
		type: 'duration',
		def: '2s',
		usage: 'dial timeout for client connections'
	},
	{
		name: 'discovery-srv',
		short: 'd',
		type: 'string',
		def: '',
		usage: 'domain name to query for SRV records describing cluster endpoints'
	},
	{
		name: 'discovery-srv-name',
		type: 'string',
		def: '',
		usage: 'service name to query when using DNS discovery'
	},
	{ name: 'endpoints', type: 'stringSlice', def: '[127.0.0.1:2379]', usage: 'gRPC endpoints' },
	{ name: 'hex', type: 'bool', def: 'false', usage: 'print byte strings as hex encoded strings' },
	{
		name: 'insecure-discovery',
		type: 'bool',
		def: 'true',
		usage: 'accept insecure SRV records describing cluster endpoints'
	},
	{
		name: 'insecure-skip-tls-verify',
		type: 'bool',
		def: 'false',
		usage:
			'skip server certificate verification (CAUTION: this option should be enabled only for testing purposes)'
	},
	{
		name: 'insecure-transport',
		type: 'bool',
		def: 'true',
		usage: 'disable transport security for client connections'
	},
	{
		name: 'keepalive-time',
		type: 'duration',
		def: '2s',
		usage: 'keepalive time for client connections'
	},
	{
		name: 'keepalive-timeout',
		type: 'duration',
		def: '6s',
		usage: 'keepalive timeout for client connections'
	},
	{ name: 'key', type: 'string', def: '', usage: 'identify secure client using this TLS key file' },
	{
		name: 'password',
		type: 'string',
		def: '',
		usage:
			"password for authentication (if this option is used, --user option shouldn't include password)"
	},
	{
		name: 'user',
		type: 'string',
		def: '',
		usage: 'username[:password] for authentication (prompt if password is not supplied)'
	},
	{
		name: 'write-out',
		short: 'w',
		type: 'string',
		def: 'simple',
		usage: 'set the output format (fields, json, protobuf, simple, table)'
	}
];

export const COMMANDS: CommandSpec[] = [
	{
		name: 'alarm',
		use: 'alarm <subcommand>',
		short: 'Alarm related commands',
		flags: [],
		children: [
			{
				name: 'disarm',
				use: 'disarm',
				short: 'Disarms all alarms',
				flags: []
			},
			{
				name: 'list',
				use: 'list',
				short: 'Lists all alarms',
				flags: []
			}
		]
	},
	{
		name: 'auth',
		use: 'auth <enable or disable>',
		short: 'Enable or disable authentication',
		flags: [],
		children: [
			{
				name: 'disable',
				use: 'disable',
				short: 'Disables authentication',
				flags: []
			},
			{
				name: 'enable',
				use: 'enable',
				short: 'Enables authentication',
				flags: []
			}
		]
	},
	{
		name: 'check',
		use: 'check <subcommand>',
		short: 'commands for checking properties of the etcd cluster',
		flags: [],
		children: [
			{
				name: 'datascale',
				use: 'datascale [options]',
				short:
					'Check the memory usage of holding data for different workloads on a given server endpoint.',
				long: 'If no endpoint is provided, localhost will be used. If multiple endpoints are provided, first endpoint will be used.',
				flags: [
					{
						name: 'auto-compact',
						type: 'bool',
						def: 'false',
						usage: 'Compact storage with last revision after test is finished.'
					},
					{
						name: 'auto-defrag',
						type: 'bool',
						def: 'false',
						usage: 'Defragment storage after test is finished.'
					},
					{
						name: 'load',
						type: 'string',
						def: 's',
						usage:
							"The datascale check's workload model. Accepted workloads: s(small), m(medium), l(large), xl(xLarge)"
					},
					{
						name: 'prefix',
						type: 'string',
						def: '/etcdctl-check-datascale/',
						usage: "The prefix for writing the datascale check's keys."
					}
				]
			},
			{
				name: 'perf',
				use: 'perf [options]',
				short: 'Check the performance of the etcd cluster',
				flags: [
					{
						name: 'auto-compact',
						type: 'bool',
						def: 'false',
						usage: 'Compact storage with last revision after test is finished.'
					},
					{
						name: 'auto-defrag',
						type: 'bool',
						def: 'false',
						usage: 'Defragment storage after test is finished.'
					},
					{
						name: 'load',
						type: 'string',
						def: 's',
						usage:
							"The performance check's workload model. Accepted workloads: s(small), m(medium), l(large), xl(xLarge)"
					},
					{
						name: 'prefix',
						type: 'string',
						def: '/etcdctl-check-perf/',
						usage: "The prefix for writing the performance check's keys."
					}
				]
			}
		]
	},
	{
		name: 'compaction',
		use: 'compaction [options] <revision>',
		short: 'Compacts the event history in etcd',
		flags: [
			{
				name: 'physical',
				type: 'bool',
				def: 'false',
				usage: "'true' to wait for compaction to physically remove all old revisions"
			}
		]
	},
	{
		name: 'completion',
		use: 'completion',
		short: 'Generate the autocompletion script for the specified shell',
		long: "Generate the autocompletion script for etcdctl for the specified shell.\nSee each sub-command's help for details on how to use the generated script.",
		flags: [],
		children: [
			{
				name: 'bash',
				use: 'bash',
				noFlagsInUseLine: true,
				short: 'Generate the autocompletion script for bash',
				long: "Generate the autocompletion script for the bash shell.\n\nThis script depends on the 'bash-completion' package.\nIf it is not installed already, you can install it via your OS's package manager.\n\nTo load completions in your current shell session:\n\n\tsource <(etcdctl completion bash)\n\nTo load completions for every new session, execute once:\n\n#### Linux:\n\n\tetcdctl completion bash > /etc/bash_completion.d/etcdctl\n\n#### macOS:\n\n\tetcdctl completion bash > $(brew --prefix)/etc/bash_completion.d/etcdctl\n\nYou will need to start a new shell for this setup to take effect.",
				flags: [
					{
						name: 'no-descriptions',
						type: 'bool',
						def: 'false',
						usage: 'disable completion descriptions'
					}
				]
			},
			{
				name: 'fish',
				use: 'fish',
				short: 'Generate the autocompletion script for fish',
				long: 'Generate the autocompletion script for the fish shell.\n\nTo load completions in your current shell session:\n\n\tetcdctl completion fish | source\n\nTo load completions for every new session, execute once:\n\n\tetcdctl completion fish > ~/.config/fish/completions/etcdctl.fish\n\nYou will need to start a new shell for this setup to take effect.',
				flags: [
					{
						name: 'no-descriptions',
						type: 'bool',
						def: 'false',
						usage: 'disable completion descriptions'
					}
				]
			},
			{
				name: 'powershell',
				use: 'powershell',
				short: 'Generate the autocompletion script for powershell',
				long: 'Generate the autocompletion script for powershell.\n\nTo load completions in your current shell session:\n\n\tetcdctl completion powershell | Out-String | Invoke-Expression\n\nTo load completions for every new session, add the output of the above command\nto your powershell profile.',
				flags: [
					{
						name: 'no-descriptions',
						type: 'bool',
						def: 'false',
						usage: 'disable completion descriptions'
					}
				]
			},
			{
				name: 'zsh',
				use: 'zsh',
				short: 'Generate the autocompletion script for zsh',
				long: 'Generate the autocompletion script for the zsh shell.\n\nIf shell completion is not already enabled in your environment you will need\nto enable it.  You can execute the following once:\n\n\techo "autoload -U compinit; compinit" >> ~/.zshrc\n\nTo load completions in your current shell session:\n\n\tsource <(etcdctl completion zsh); compdef _etcdctl etcdctl\n\nTo load completions for every new session, execute once:\n\n#### Linux:\n\n\tetcdctl completion zsh > "${fpath[1]}/_etcdctl"\n\n#### macOS:\n\n\tetcdctl completion zsh > $(brew --prefix)/share/zsh/site-functions/_etcdctl\n\nYou will need to start a new shell for this setup to take effect.',
				flags: [
					{
						name: 'no-descriptions',
						type: 'bool',
						def: 'false',
						usage: 'disable completion descriptions'
					}
				]
			}
		]
	},
	{
		name: 'defrag',
		use: 'defrag',
		short: 'Defragments the storage of the etcd members with given endpoints',
		flags: [
			{
				name: 'cluster',
				type: 'bool',
				def: 'false',
				usage: 'use all endpoints from the cluster member list',
				persistent: true
			},
			{
				name: 'data-dir',
				type: 'string',
				def: '',
				usage: 'Optional. If present, defragments a data directory not in use by etcd.'
			}
		]
	},
	{
		name: 'del',
		use: 'del [options] <key> [range_end]',
		short: 'Removes the specified key or range of keys [key, range_end)',
		flags: [
			{
				name: 'from-key',
				type: 'bool',
				def: 'false',
				usage: 'delete keys that are greater than or equal to the given key using byte compare'
			},
			{ name: 'prefix', type: 'bool', def: 'false', usage: 'delete keys with matching prefix' },
			{ name: 'prev-kv', type: 'bool', def: 'false', usage: 'return deleted key-value pairs' }
		]
	},
	{
		name: 'elect',
		use: 'elect <election-name> [proposal]',
		short: 'Observes and participates in leader election',
		flags: [{ name: 'listen', short: 'l', type: 'bool', def: 'false', usage: 'observation mode' }]
	},
	{
		name: 'endpoint',
		use: 'endpoint <subcommand>',
		short: 'Endpoint related commands',
		flags: [
			{
				name: 'cluster',
				type: 'bool',
				def: 'false',
				usage: 'use all endpoints from the cluster member list',
				persistent: true
			}
		],
		children: [
			{
				name: 'hashkv',
				use: 'hashkv',
				short: 'Prints the KV history hash for each endpoint in --endpoints',
				flags: [
					{
						name: 'rev',
						type: 'int64',
						def: '0',
						usage: 'maximum revision to hash (default: all revisions)',
						persistent: true
					}
				]
			},
			{
				name: 'health',
				use: 'health',
				short: 'Checks the healthiness of endpoints specified in `--endpoints` flag',
				flags: []
			},
			{
				name: 'status',
				use: 'status',
				short: 'Prints out the status of endpoints specified in `--endpoints` flag',
				long: 'When --write-out is set to simple, this command prints out comma-separated status lists for each endpoint.\nThe items in the lists are endpoint, ID, version, db size, is leader, is learner, raft term, raft index, raft applied index, errors.',
				flags: []
			}
		]
	},
	{
		name: 'get',
		use: 'get [options] <key> [range_end]',
		short: 'Gets the key or a range of keys',
		flags: [
			{
				name: 'consistency',
				type: 'string',
				def: 'l',
				usage: 'Linearizable(l) or Serializable(s)'
			},
			{
				name: 'from-key',
				type: 'bool',
				def: 'false',
				usage: 'Get keys that are greater than or equal to the given key using byte compare'
			},
			{ name: 'keys-only', type: 'bool', def: 'false', usage: 'Get only the keys' },
			{ name: 'limit', type: 'int64', def: '0', usage: 'Maximum number of results' },
			{
				name: 'order',
				type: 'string',
				def: '',
				usage: 'Order of results; ASCEND or DESCEND (ASCEND by default)'
			},
			{ name: 'prefix', type: 'bool', def: 'false', usage: 'Get keys with matching prefix' },
			{
				name: 'print-value-only',
				type: 'bool',
				def: 'false',
				usage: 'Only write values when using the "simple" output format'
			},
			{ name: 'rev', type: 'int64', def: '0', usage: 'Specify the kv revision' },
			{
				name: 'sort-by',
				type: 'string',
				def: '',
				usage: 'Sort target; CREATE, KEY, MODIFY, VALUE, or VERSION'
			}
		]
	},
	{
		name: 'help',
		use: 'help [command]',
		short: 'Help about any command',
		long: 'Help provides help for any command in the application.\nSimply type etcdctl help [path to command] for full details.',
		flags: []
	},
	{
		name: 'lease',
		use: 'lease <subcommand>',
		short: 'Lease related commands',
		flags: [],
		children: [
			{
				name: 'grant',
				use: 'grant <ttl>',
				short: 'Creates leases',
				flags: []
			},
			{
				name: 'keep-alive',
				use: 'keep-alive [options] <leaseID>',
				short: 'Keeps leases alive (renew)',
				flags: [
					{
						name: 'once',
						type: 'bool',
						def: 'false',
						usage: 'Resets the keep-alive time to its original value and exits immediately'
					}
				]
			},
			{
				name: 'list',
				use: 'list',
				short: 'List all active leases',
				flags: []
			},
			{
				name: 'revoke',
				use: 'revoke <leaseID>',
				short: 'Revokes leases',
				flags: []
			},
			{
				name: 'timetolive',
				use: 'timetolive <leaseID> [options]',
				short: 'Get lease information',
				flags: [
					{ name: 'keys', type: 'bool', def: 'false', usage: 'Get keys attached to this lease' }
				]
			}
		]
	},
	{
		name: 'lock',
		use: 'lock <lockname> [exec-command arg1 arg2 ...]',
		short: 'Acquires a named lock',
		flags: [{ name: 'ttl', type: 'int', def: '10', usage: 'timeout for session' }]
	},
	{
		name: 'make-mirror',
		use: 'make-mirror [options] <destination>',
		short: 'Makes a mirror at the destination etcd cluster',
		flags: [
			{
				name: 'dest-cacert',
				type: 'string',
				def: '',
				usage: 'Verify certificates of TLS enabled secure servers using this CA bundle'
			},
			{
				name: 'dest-cert',
				type: 'string',
				def: '',
				usage: 'Identify secure client using this TLS certificate file for the destination cluster'
			},
			{
				name: 'dest-insecure-transport',
				type: 'bool',
				def: 'true',
				usage: 'Disable transport security for client connections'
			},
			{
				name: 'dest-key',
				type: 'string',
				def: '',
				usage: 'Identify secure client using this TLS key file'
			},
			{
				name: 'dest-prefix',
				type: 'string',
				def: '',
				usage:
					'destination prefix to mirror a prefix to a different prefix in the destination cluster'
			},
			{
				name: 'no-dest-prefix',
				type: 'bool',
				def: 'false',
				usage: 'mirror key-values to the root of the destination cluster'
			},
			{ name: 'prefix', type: 'string', def: '', usage: 'Key-value prefix to mirror' }
		]
	},
	{
		name: 'member',
		use: 'member <subcommand>',
		short: 'Membership related commands',
		flags: [],
		children: [
			{
				name: 'add',
				use: 'add <memberName> [options]',
				short: 'Adds a member into the cluster',
				flags: [
					{
						name: 'learner',
						type: 'bool',
						def: 'false',
						usage: 'indicates if the new member is raft learner'
					},
					{
						name: 'peer-urls',
						type: 'string',
						def: '',
						usage: 'comma separated peer URLs for the new member.'
					}
				]
			},
			{
				name: 'list',
				use: 'list',
				short: 'Lists all members in the cluster',
				long: 'When --write-out is set to simple, this command prints out comma-separated member lists for each endpoint.\nThe items in the lists are ID, Status, Name, Peer Addrs, Client Addrs, Is Learner.',
				flags: []
			},
			{
				name: 'promote',
				use: 'promote <memberID>',
				short: 'Promotes a non-voting member in the cluster',
				long: 'Promotes a non-voting learner member to a voting one in the cluster.',
				flags: []
			},
			{
				name: 'remove',
				use: 'remove <memberID>',
				short: 'Removes a member from the cluster',
				flags: []
			},
			{
				name: 'update',
				use: 'update <memberID> [options]',
				short: 'Updates a member in the cluster',
				flags: [
					{
						name: 'peer-urls',
						type: 'string',
						def: '',
						usage: 'comma separated peer URLs for the updated member.'
					}
				]
			}
		]
	},
	{
		name: 'migrate',
		use: 'migrate',
		short: 'Migrates keys in a v2 store to a mvcc store',
		flags: [
			{ name: 'data-dir', type: 'string', def: '', usage: 'Path to the data directory' },
			{ name: 'no-ttl', type: 'bool', def: 'false', usage: 'Do not convert TTL keys' },
			{
				name: 'transformer',
				type: 'string',
				def: '',
				usage: 'Path to the user-provided transformer program'
			},
			{ name: 'wal-dir', type: 'string', def: '', usage: 'Path to the WAL directory' }
		]
	},
	{
		name: 'move-leader',
		use: 'move-leader <transferee-member-id>',
		short: 'Transfers leadership to another etcd cluster member.',
		flags: []
	},
	{
		name: 'put',
		use: 'put [options] <key> <value> (<value> can also be given from stdin)',
		short: 'Puts the given key into the store',
		long: "Puts the given key into the store.\n\nWhen <value> begins with '-', <value> is interpreted as a flag.\nInsert '--' for workaround:\n\n$ put <key> -- <value>\n$ put -- <key> <value>\n\nIf <value> isn't given as a command line argument and '--ignore-value' is not specified,\nthis command tries to read the value from standard input.\n\nIf <lease> isn't given as a command line argument and '--ignore-lease' is not specified,\nthis command tries to read the value from standard input.\n\nFor example,\n$ cat file | put <key>\nwill store the content of the file to <key>.",
		flags: [
			{
				name: 'ignore-lease',
				type: 'bool',
				def: 'false',
				usage: 'updates the key using its current lease'
			},
			{
				name: 'ignore-value',
				type: 'bool',
				def: 'false',
				usage: 'updates the key using its current value'
			},
			{
				name: 'lease',
				type: 'string',
				def: '0',
				usage: 'lease ID (in hexadecimal) to attach to the key'
			},
			{
				name: 'prev-kv',
				type: 'bool',
				def: 'false',
				usage: 'return the previous key-value pair before modification'
			}
		]
	},
	{
		name: 'role',
		use: 'role <subcommand>',
		short: 'Role related commands',
		flags: [],
		children: [
			{
				name: 'add',
				use: 'add <role name>',
				short: 'Adds a new role',
				flags: []
			},
			{
				name: 'delete',
				use: 'delete <role name>',
				short: 'Deletes a role',
				flags: []
			},
			{
				name: 'get',
				use: 'get <role name>',
				short: 'Gets detailed information of a role',
				flags: []
			},
			{
				name: 'grant-permission',
				use: 'grant-permission [options] <role name> <permission type> <key> [endkey]',
				short: 'Grants a key to a role',
				flags: [
					{
						name: 'from-key',
						type: 'bool',
						def: 'false',
						usage:
							'grant a permission of keys that are greater than or equal to the given key using byte compare'
					},
					{ name: 'prefix', type: 'bool', def: 'false', usage: 'grant a prefix permission' }
				]
			},
			{
				name: 'list',
				use: 'list',
				short: 'Lists all roles',
				flags: []
			},
			{
				name: 'revoke-permission',
				use: 'revoke-permission <role name> <key> [endkey]',
				short: 'Revokes a key from a role',
				flags: [
					{
						name: 'from-key',
						type: 'bool',
						def: 'false',
						usage:
							'revoke a permission of keys that are greater than or equal to the given key using byte compare'
					},
					{ name: 'prefix', type: 'bool', def: 'false', usage: 'revoke a prefix permission' }
				]
			}
		]
	},
	{
		name: 'snapshot',
		use: 'snapshot <subcommand>',
		short: 'Manages etcd node snapshots',
		flags: [],
		children: [
			{
				name: 'restore',
				use: 'restore <filename> [options]',
				short: 'Restores an etcd member snapshot to an etcd directory',
				flags: [
					{ name: 'data-dir', type: 'string', def: '', usage: 'Path to the data directory' },
					{
						name: 'initial-advertise-peer-urls',
						type: 'string',
						def: 'http://localhost:2380',
						usage: "List of this member's peer URLs to advertise to the rest of the cluster"
					},
					{
						name: 'initial-cluster',
						type: 'string',
						def: 'default=http://localhost:2380',
						usage: 'Initial cluster configuration for restore bootstrap'
					},
					{
						name: 'initial-cluster-token',
						type: 'string',
						def: 'etcd-cluster',
						usage: 'Initial cluster token for the etcd cluster during restore bootstrap'
					},
					{
						name: 'name',
						type: 'string',
						def: 'default',
						usage: 'Human-readable name for this member'
					},
					{
						name: 'skip-hash-check',
						type: 'bool',
						def: 'false',
						usage: 'Ignore snapshot integrity hash value (required if copied from data directory)'
					},
					{
						name: 'wal-dir',
						type: 'string',
						def: '',
						usage: 'Path to the WAL directory (use --data-dir if none given)'
					}
				]
			},
			{
				name: 'save',
				use: 'save <filename>',
				short: 'Stores an etcd node backend snapshot to a given file',
				flags: []
			},
			{
				name: 'status',
				use: 'status <filename>',
				short: 'Gets backend snapshot status of a given file',
				long: 'When --write-out is set to simple, this command prints out comma-separated status lists for each endpoint.\nThe items in the lists are hash, revision, total keys, total size.',
				flags: []
			}
		]
	},
	{
		name: 'txn',
		use: 'txn [options]',
		short: 'Txn processes all the requests in one transaction',
		flags: [
			{
				name: 'interactive',
				short: 'i',
				type: 'bool',
				def: 'false',
				usage: 'Input transaction in interactive mode'
			}
		]
	},
	{
		name: 'user',
		use: 'user <subcommand>',
		short: 'User related commands',
		flags: [],
		children: [
			{
				name: 'add',
				use: 'add <user name or user:password> [options]',
				short: 'Adds a new user',
				flags: [
					{
						name: 'interactive',
						type: 'bool',
						def: 'true',
						usage: 'Read password from stdin instead of interactive terminal'
					},
					{
						name: 'new-user-password',
						type: 'string',
						def: '',
						usage: 'Supply password from the command line flag'
					},
					{
						name: 'no-password',
						type: 'bool',
						def: 'false',
						usage: 'Create a user without password (CN based auth only)'
					}
				]
			},
			{
				name: 'delete',
				use: 'delete <user name>',
				short: 'Deletes a user',
				flags: []
			},
			{
				name: 'get',
				use: 'get <user name> [options]',
				short: 'Gets detailed information of a user',
				flags: [
					{
						name: 'detail',
						type: 'bool',
						def: 'false',
						usage: 'Show permissions of roles granted to the user'
					}
				]
			},
			{
				name: 'grant-role',
				use: 'grant-role <user name> <role name>',
				short: 'Grants a role to a user',
				flags: []
			},
			{
				name: 'list',
				use: 'list',
				short: 'Lists all users',
				flags: []
			},
			{
				name: 'passwd',
				use: 'passwd <user name> [options]',
				short: 'Changes password of user',
				flags: [
					{
						name: 'interactive',
						type: 'bool',
						def: 'true',
						usage: 'If true, read password from stdin instead of interactive terminal'
					}
				]
			},
			{
				name: 'revoke-role',
				use: 'revoke-role <user name> <role name>',
				short: 'Revokes a role from a user',
				flags: []
			}
		]
	},
	{
		name: 'version',
		use: 'version',
		short: 'Prints the version of etcdctl',
		flags: []
	},
	{
		name: 'watch',
		use: 'watch [options] [key or prefix] [range_end] [--] [exec-command arg1 arg2 ...]',
		short: 'Watches events stream on keys or prefixes',
		flags: [
			{ name: 'interactive', short: 'i', type: 'bool', def: 'false', usage: 'Interactive mode' },
			{ name: 'prefix', type: 'bool', def: 'false', usage: 'Watch on a prefix if prefix is set' },
			{
				name: 'prev-kv',
				type: 'bool',
				def: 'false',
				usage: 'get the previous key-value pair before the event happens'
			},
			{ name: 'rev', type: 'int64', def: '0', usage: 'Revision to start watching' },
			{
				name: 'progress-notify',
				type: 'bool',
				def: 'false',
				usage: 'get periodic watch progress notification from server',
				hidden: true
			}
		]
	}
];

/** The root command, whose persistent flags are the global flags. */
export const ROOT: CommandSpec = {
	name: 'etcdctl',
	use: 'etcdctl',
	short: 'A simple command line client for etcd3.',
	flags: GLOBAL_FLAGS.map((f) => ({ ...f, persistent: true })),
	children: COMMANDS
};

/** The command at a path of names (`['lease', 'grant']`), or undefined. */
export function findCommand(path: string[]): CommandSpec | undefined {
	let cmd: CommandSpec | undefined = ROOT;
	for (const name of path) {
		cmd = cmd?.children?.find((c) => c.name === name);
	}
	return cmd;
}

/**
 * etcd's client-visible errors: the gRPC status code and the exact message the real server
 * sends (etcd's api/v3rpc/rpctypes). etcdctl prints them as `Error: <message>`.
 */

export type GrpcCode =
	| 'InvalidArgument'
	| 'NotFound'
	| 'AlreadyExists'
	| 'PermissionDenied'
	| 'ResourceExhausted'
	| 'FailedPrecondition'
	| 'OutOfRange'
	| 'Unavailable'
	| 'DeadlineExceeded'
	| 'Unauthenticated'
	| 'Canceled'
	| 'Unknown'
	| 'Internal'
	| 'Unimplemented'
	| 'DataLoss';

export class EtcdError extends Error {
	readonly code: GrpcCode;
	constructor(code: GrpcCode, message: string) {
		super(message);
		this.name = 'EtcdError';
		this.code = code;
	}
}

function def(code: GrpcCode, message: string): () => EtcdError {
	return () => new EtcdError(code, message);
}

/** Factories for every error the server returns, named as etcd names them. */
export const Errors = {
	EmptyKey: def('InvalidArgument', 'etcdserver: key is not provided'),
	KeyNotFound: def('InvalidArgument', 'etcdserver: key not found'),
	ValueProvided: def('InvalidArgument', 'etcdserver: value is provided'),
	LeaseProvided: def('InvalidArgument', 'etcdserver: lease is provided'),
	TooManyOps: def('InvalidArgument', 'etcdserver: too many operations in txn request'),
	DuplicateKey: def('InvalidArgument', 'etcdserver: duplicate key given in txn request'),
	Compacted: def('OutOfRange', 'etcdserver: mvcc: required revision has been compacted'),
	FutureRev: def('OutOfRange', 'etcdserver: mvcc: required revision is a future revision'),
	NoSpace: def('ResourceExhausted', 'etcdserver: mvcc: database space exceeded'),

	LeaseNotFound: def('NotFound', 'etcdserver: requested lease not found'),
	LeaseExist: def('FailedPrecondition', 'etcdserver: lease already exists'),
	LeaseTTLTooLarge: def('OutOfRange', 'etcdserver: too large lease TTL'),

	MemberExist: def('FailedPrecondition', 'etcdserver: member ID already exist'),
	PeerURLExist: def('FailedPrecondition', 'etcdserver: Peer URLs already exists'),
	MemberNotEnoughStarted: def(
		'FailedPrecondition',
		'etcdserver: re-configuration failed due to not enough started members'
	),
	MemberBadURLs: def('InvalidArgument', 'etcdserver: given member URLs are invalid'),
	MemberNotFound: def('NotFound', 'etcdserver: member not found'),
	MemberNotLearner: def('FailedPrecondition', 'etcdserver: can only promote a learner member'),
	LearnerNotReady: def(
		'FailedPrecondition',
		'etcdserver: can only promote a learner member which is in sync with leader'
	),
	TooManyLearners: def('FailedPrecondition', 'etcdserver: too many learner members in cluster'),

	RequestTooLarge: def('InvalidArgument', 'etcdserver: request is too large'),
	TooManyRequests: def('ResourceExhausted', 'etcdserver: too many requests'),

	RootUserNotExist: def('FailedPrecondition', 'etcdserver: root user does not exist'),
	RootRoleNotExist: def('FailedPrecondition', 'etcdserver: root user does not have root role'),
	UserAlreadyExist: def('FailedPrecondition', 'etcdserver: user name already exists'),
	UserEmpty: def('InvalidArgument', 'etcdserver: user name is empty'),
	UserNotFound: def('FailedPrecondition', 'etcdserver: user name not found'),
	RoleAlreadyExist: def('FailedPrecondition', 'etcdserver: role name already exists'),
	RoleNotFound: def('FailedPrecondition', 'etcdserver: role name not found'),
	RoleEmpty: def('InvalidArgument', 'etcdserver: role name is empty'),
	AuthFailed: def(
		'InvalidArgument',
		'etcdserver: authentication failed, invalid user ID or password'
	),
	PermissionNotGiven: def('InvalidArgument', 'etcdserver: permission not given'),
	PermissionDenied: def('PermissionDenied', 'etcdserver: permission denied'),
	RoleNotGranted: def('FailedPrecondition', 'etcdserver: role is not granted to the user'),
	PermissionNotGranted: def(
		'FailedPrecondition',
		'etcdserver: permission is not granted to the role'
	),
	AuthNotEnabled: def('FailedPrecondition', 'etcdserver: authentication is not enabled'),
	InvalidAuthToken: def('Unauthenticated', 'etcdserver: invalid auth token'),
	InvalidAuthMgmt: def('InvalidArgument', 'etcdserver: invalid auth management'),
	AuthOldRevision: def('InvalidArgument', 'etcdserver: revision of auth store is old'),
	/** Not in etcd's gRPC error table, so it reaches the client as Unknown with auth's text. */
	NoPasswordUser: def(
		'Unknown',
		'auth: authentication failed, password was given for no password user'
	),

	NoLeader: def('Unavailable', 'etcdserver: no leader'),
	NotLeader: def('FailedPrecondition', 'etcdserver: not leader'),
	LeaderChanged: def('Unavailable', 'etcdserver: leader changed'),
	NotCapable: def('Unavailable', 'etcdserver: not capable'),
	Stopped: def('Unavailable', 'etcdserver: server stopped'),
	Timeout: def('Unavailable', 'etcdserver: request timed out'),
	TimeoutDueToLeaderFail: def(
		'Unavailable',
		'etcdserver: request timed out, possibly due to previous leader failure'
	),
	TimeoutDueToConnectionLost: def(
		'Unavailable',
		'etcdserver: request timed out, possibly due to connection lost'
	),
	TimeoutLeaderTransfer: def(
		'DeadlineExceeded',
		'etcdserver: request timed out, leader transfer took too long'
	),
	Unhealthy: def('Unavailable', 'etcdserver: unhealthy cluster'),
	Corrupt: def('DataLoss', 'etcdserver: corrupt cluster'),
	NotSupportedForLearner: def('Unavailable', 'etcdserver: rpc not supported for learner'),
	BadLeaderTransferee: def('FailedPrecondition', 'etcdserver: bad leader transferee')
} as const;

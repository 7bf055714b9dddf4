import type { Lesson } from './types';
import { keyHolds, valueOf } from './verify';

const STOCK = '/lessons/txn/stock';

const buy = (order: string) => `etcdctl txn <<'EOF'
value("${STOCK}") = "5"

put ${STOCK} 4
put /lessons/txn/${order} paid

put /lessons/txn/conflict ${order}

EOF`;

export const txnLesson: Lesson = {
	id: 'txn',
	title: 'Transactions and compare-and-swap',
	summary: 'Change a key only if nobody else changed it first.',
	clusterSize: 3,
	steps: [
		{
			title: 'Set the stage',
			explain: [
				'Two shop assistants sell the last items of a product at the same moment. Each reads the stock, subtracts one and writes it back; without care, one sale overwrites the other. Start with five items.'
			],
			command: `etcdctl put ${STOCK} 5`,
			verify: keyHolds(STOCK, '5')
		},
		{
			title: 'Compare, then swap',
			explain: [
				'A transaction checks conditions and then runs one list of operations if they all hold, or another list if not, as one atomic step at one revision. Here: if the stock still reads 5, write 4 and record the order; otherwise record a conflict.',
				'The input has three parts separated by blank lines: compares, operations on success, operations on failure. The API server updates objects the same way, comparing mod_revision.'
			],
			command: buy('order-1'),
			async verify(ctx) {
				if ((await valueOf(ctx, '/lessons/txn/order-1')) !== 'paid')
					return 'order-1 is not recorded as paid.';
				return keyHolds(STOCK, '4')(ctx);
			}
		},
		{
			title: 'Lose the race',
			explain: [
				'The second assistant still believes the stock is 5. Their identical transaction now fails its compare, so it changes nothing it should not: the stock stays at 4, the failure branch records the conflict, and etcdctl prints FAILURE.'
			],
			command: buy('order-2'),
			async verify(ctx) {
				if ((await valueOf(ctx, '/lessons/txn/conflict')) !== 'order-2')
					return 'No conflict recorded for order-2.';
				if ((await valueOf(ctx, '/lessons/txn/order-2')) !== null)
					return 'order-2 went through: the compare should have failed.';
				return keyHolds(STOCK, '4')(ctx);
			}
		}
	]
};

import { expect, test } from '@playwright/test';

test('the built page loads with the product title and an honest status', async ({ page }) => {
	await page.goto('/');
	await expect(page).toHaveTitle('etcd Playground');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('etcd Playground');
	await expect(page.getByTestId('cluster-state')).toBeVisible();
});

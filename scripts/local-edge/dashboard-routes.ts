/**
 * The dashboard's routes on the control API:
 *
 *   GET /dashboard          the page (dashboard-page.ts); GET / redirects here
 *   GET /dashboard/state    the current snapshot (dashboard-state.ts) as JSON
 *   GET /dashboard/events   server-sent events: the snapshot now and then once a second
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dashboardPage } from './dashboard-page.ts';
import type { DashboardState } from './dashboard-state.ts';

/** How often the event stream sends a snapshot. */
const PUSH_EVERY_MS = 1000;

/** Answers a dashboard request; false when `req` is not one (the control API routes it). */
export function serveDashboard(req: IncomingMessage, res: ServerResponse, state: DashboardState): boolean {
  if (req.method !== 'GET') return false;
  const path = new URL(req.url ?? '/', 'http://control').pathname.replace(/\/+$/, '') || '/';
  if (path === '/') {
    res.writeHead(302, { location: '/dashboard' });
    res.end();
    return true;
  }
  if (path === '/dashboard') {
    const page = dashboardPage();
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-length': Buffer.byteLength(page),
      'cache-control': 'no-store',
    });
    res.end(page);
    return true;
  }
  if (path === '/dashboard/state') {
    const text = `${JSON.stringify(state.snapshot(), null, 2)}\n`;
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    res.end(text);
    return true;
  }
  if (path === '/dashboard/events') {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    const push = () => res.write(`data: ${JSON.stringify(state.snapshot())}\n\n`);
    push();
    const timer = setInterval(push, PUSH_EVERY_MS);
    res.on('close', () => clearInterval(timer));
    return true;
  }
  return false;
}

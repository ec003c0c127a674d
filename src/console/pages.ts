import type { SigningSecretEntry } from '../domain/signing-set.js'
import type { ApiKeyOperatorView } from '../db/api-keys-repository.js'
import type { AuditEventRow } from '../db/audit-repository.js'
import type { RotationRow } from '../db/rotations-repository.js'
import type { WebhookEventRow } from '../db/webhook-events-repository.js'
import { html, type SafeHtml } from './html.js'

export const CONSOLE_PATH = '/admin'
export const ACTIONS = {
  recover: { label: 'Recovery rotation', help: 'A fresh current secret; the earlier secrets keep signing and the rollback target\'s window restarts. For a customer who lost the new secret. You hand the new secret over.', names: false },
  rollback: { label: 'Roll back', help: 'current := the newest confirmed earlier secret in its window (or the version you name); the failed secret is discarded, the other earlier secrets keep signing until their windows end.', names: true },
  'expire-previous': { label: 'Expire previous', help: 'Every earlier secret (or the version you name) stops signing now: it leaked. Only the current secret signs.', names: true },
} as const
export type ConsoleAction = keyof typeof ACTIONS

const when = (d: Date | null) => (d ? d.toISOString().replace('T', ' ').slice(0, 19) + ' UTC' : '—')

export function layout (title: string, body: SafeHtml, session?: { operator: string; csrf: string }) {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Operator console</title><link rel="stylesheet" href="${CONSOLE_PATH}/console.css"></head>
<body><header><strong>Operator console</strong>${session
    ? html`<a href="${CONSOLE_PATH}">Keys</a><a href="${CONSOLE_PATH}/queues">Queues</a>
<form method="post" action="${CONSOLE_PATH}/sign-out"><input type="hidden" name="_csrf" value="${session.csrf}">
<span>${session.operator}</span> <button type="submit">Sign out</button></form>`
    : ''}</header>
<main>${body}</main></body></html>`.value
}

export function signInPage ({ csrf, error }: { csrf: string; error?: string }) {
  return layout('Sign in', html`<h1>Sign in</h1>
${error ? html`<p class="error" role="alert">${error}</p>` : ''}
<form method="post" action="${CONSOLE_PATH}/sign-in" class="action">
<input type="hidden" name="_csrf" value="${csrf}">
<label>Operator token <input type="password" name="token" autocomplete="off" required placeholder="kash_op_…"></label>
<p>Issued with <code>npm run admin -- operators issue &lt;name&gt;</code>. It is exchanged for a session cookie and not kept by the browser.</p>
<button type="submit">Sign in</button></form>`)
}

export function homePage (session: { operator: string; csrf: string }, notice?: string) {
  return layout('Keys', html`<h1>Find a key</h1>
${notice ? html`<p class="notice">${notice}</p>` : ''}
<form method="get" action="${CONSOLE_PATH}/keys" class="action">
<label>API key id <input type="text" name="id" required pattern="[0-9a-fA-F-]{36}" placeholder="uuid from the customer's support request"></label>
<button type="submit">Open</button></form>
<p>The <a href="${CONSOLE_PATH}/queues">queue dashboard</a> shows the rotation and delivery jobs (read-only).</p>`, session)
}

interface KeyPageData {
  key: ApiKeyOperatorView
  rotations: RotationRow[]
  audit: AuditEventRow[]
  events: WebhookEventRow[]
  idempotencyKeys: Record<ConsoleAction, string>
  signingSecrets: SigningSecretEntry[]
  notice?: string
}

export function keyPage (session: { operator: string; csrf: string }, { key, rotations, audit, events, idempotencyKeys, signingSecrets, notice }: KeyPageData) {
  const actionForms = (Object.keys(ACTIONS) as ConsoleAction[]).map((action) => html`
<form method="post" action="${CONSOLE_PATH}/keys/${key.id}/${action}" class="action">
<h3>${ACTIONS[action].label}</h3><p>${ACTIONS[action].help}</p>
<input type="hidden" name="_csrf" value="${session.csrf}">
<input type="hidden" name="idempotencyKey" value="${idempotencyKeys[action]}">
<label>Reason (recorded in the audit trail) <input type="text" name="reason" required maxlength="500"></label>
${ACTIONS[action].names ? html`<label>Secret version (optional; one of the earlier secrets below) <input type="number" name="secretVersion" min="0" step="1"></label>` : ''}
<label><input type="checkbox" name="confirm" value="yes" required> I confirm: ${ACTIONS[action].label.toLowerCase()} for key ${key.keyPrefix}…</label>
<button type="submit" name="action" value="${action}">${ACTIONS[action].label}</button></form>`)
  return layout(`Key ${key.keyPrefix}`, html`<h1>Key <code>${key.keyPrefix}…</code></h1>
${notice ? html`<p class="notice" role="status">${notice}</p>` : ''}
<dl>
<dt>id</dt><dd><code>${key.id}</code></dd><dt>owner</dt><dd>${key.ownerId}</dd><dt>env</dt><dd>${key.env}</dd>
<dt>scopes</dt><dd>${key.scopes.join(', ')}</dd><dt>webhook URL</dt><dd>${key.webhookUrl ?? '—'}</dd>
<dt>secret version</dt><dd>${key.secretVersion}</dd><dt>rotated at</dt><dd>${when(key.rotatedAt)}</dd>
<dt>previous secret</dt><dd>${key.previousHeld ? html`signing until ${when(key.previousRetainedUntil)}` : 'none'}</dd>
<dt>cooldown ends</dt><dd>${when(key.cooldownEndsAt)}</dd>
<dt>created / expires / revoked</dt><dd>${when(key.createdAt)} / ${when(key.expiresAt)} / ${when(key.revokedAt)}</dd>
</dl>
<h2>Signing secrets</h2>
<p>Every delivery is signed with each of these. Confirmed: issued with the key, restored by a rollback, or acknowledged; otherwise only possibly delivered (an answer carrying it was written, which does not mean it arrived).</p>
<table><tr><th>version</th><th>role</th><th>confirmed</th><th>signs until</th></tr>
${signingSecrets.map((s) => html`<tr><td>${s.secretVersion}</td><td>${s.current ? 'current' : 'earlier'}</td><td>${s.confirmed ? 'yes' : 'possibly delivered'}</td><td>${s.retainedUntil === null ? '—' : when(new Date(s.retainedUntil))}</td></tr>`)}
</table>
<h2>Runbook actions</h2>${actionForms}
<h2>Recent rotations</h2>
<table><tr><th>requested</th><th>kind</th><th>status</th><th>actor</th><th>reason</th><th>secret held</th><th>secret written</th><th>confirmed</th><th>id</th></tr>
${rotations.map((r) => html`<tr><td>${when(r.requestedAt)}</td><td>${r.kind}</td><td>${r.status}${r.errorCode ? html` (${r.errorCode})` : ''}</td><td>${r.actor}</td><td>${r.reason ?? ''}</td><td>${r.heldSecret !== null ? 'yes' : 'no'}</td><td>${when(r.secretFirstDeliveredAt)}</td><td>${when(r.secretConfirmedAt)}</td><td><code>${r.id}</code></td></tr>`)}
</table>
<h2>Audit trail</h2>
<table><tr><th>at</th><th>actor</th><th>action</th><th>reason</th><th>request</th></tr>
${audit.map((a) => html`<tr><td>${when(a.at)}</td><td>${a.actorType}: ${a.actor}</td><td>${a.action}</td><td>${a.reason ?? ''}</td><td><code>${a.requestId ?? ''}</code></td></tr>`)}
</table>
<h2>Deliveries</h2>
<table><tr><th>created</th><th>event</th><th>status</th><th>attempts</th><th>last status</th><th>last error</th></tr>
${events.map((e) => html`<tr><td>${when(e.createdAt)}</td><td>${e.type}</td><td>${e.status}</td><td>${e.attempts}</td><td>${e.lastStatusCode ?? ''}</td><td>${e.lastError ?? ''}</td></tr>`)}
</table>`, session)
}

export function recoveredPage (session: { operator: string; csrf: string }, { keyId, rotationId, secret }: { keyId: string; rotationId: string; secret: string }) {
  return layout('Recovered secret', html`<h1>Recovery done: hand this secret over</h1>
<p>Shown once on this page. Send it to the customer over the support channel; it is also the key's
current secret from now on. Then acknowledge, which erases the service's held copy.</p>
<p class="secret" data-testid="recovered-secret">${secret}</p>
<form method="post" action="${CONSOLE_PATH}/rotations/${rotationId}/acknowledge" class="action">
<input type="hidden" name="_csrf" value="${session.csrf}"><input type="hidden" name="keyId" value="${keyId}">
<button type="submit">I handed it over</button></form>
<p><a href="${CONSOLE_PATH}/keys/${keyId}">Back to the key</a> (the secret stays held until acknowledged or its hold ends).</p>`, session)
}

export function errorPage ({ status, code, title, detail }: { status: number; code: string; title: string; detail: string }, session?: { operator: string; csrf: string }) {
  return layout(title, html`<h1>${title}</h1><p class="error" role="alert">${detail}</p>
<p>Status ${status}, code <code>${code}</code> (<a href="/v1/errors/${code}">what it means</a>).</p>
<p><a href="${CONSOLE_PATH}">Back to the console</a></p>`, session)
}

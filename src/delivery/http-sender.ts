import http from 'node:http'
import https from 'node:https'
import ipaddr from 'ipaddr.js'
import { createSafeLookup, isPublicAddress } from './address-policy.js'

export type SendResult =
  | { outcome: 'delivered'; statusCode: number }
  | { outcome: 'retry'; statusCode: number | null; error: string }
  | { outcome: 'fail'; statusCode: number | null; error: string }

export interface SendRequest {
  url: string
  body: string
  headers: Record<string, string>
  timeoutMs: number
  allowPrivateAddresses: boolean
}

const MAX_RESPONSE_BYTES = 64 * 1024

/** How a status code is treated: 2xx delivered; 408, 429 and 5xx retried; the rest (redirects too) failed. */
export function classifyStatus (statusCode: number): SendResult {
  if (statusCode >= 200 && statusCode < 300) return { outcome: 'delivered', statusCode }
  if (statusCode === 408 || statusCode === 429 || statusCode >= 500) return { outcome: 'retry', statusCode, error: `HTTP ${statusCode}` }
  if (statusCode >= 300 && statusCode < 400) return { outcome: 'fail', statusCode, error: `redirect not followed (HTTP ${statusCode})` }
  return { outcome: 'fail', statusCode, error: `HTTP ${statusCode}` }
}

/**
 * POSTs a webhook body once. Never follows redirects; refuses non-public addresses unless allowed
 * (IP literals here, names in the lookup); one timeout covers connect and response. Error texts
 * are stored and shown to customers, so they never carry the request's headers or body.
 */
export function sendWebhook (req: SendRequest): Promise<SendResult> {
  let url: URL
  try {
    url = new URL(req.url)
  } catch {
    return Promise.resolve({ outcome: 'fail', statusCode: null, error: 'invalid webhook URL' })
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return Promise.resolve({ outcome: 'fail', statusCode: null, error: 'invalid webhook URL' })
  const host = url.hostname.replace(/^\[|\]$/g, '')
  if (!req.allowPrivateAddresses && ipaddr.isValid(host) && !isPublicAddress(host)) {
    return Promise.resolve({ outcome: 'fail', statusCode: null, error: `address not allowed: ${host}` })
  }

  return new Promise((resolve) => {
    let settled = false
    const settle = (result: SendResult) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      request.destroy()
      resolve(result)
    }
    const body = Buffer.from(req.body, 'utf8')
    const request = (url.protocol === 'https:' ? https : http).request(url, {
      method: 'POST',
      headers: { ...req.headers, 'content-length': String(body.length) },
      lookup: createSafeLookup(req.allowPrivateAddresses),
    }, (response) => {
      let received = 0
      response.on('data', (chunk: Buffer) => {
        received += chunk.length
        if (received > MAX_RESPONSE_BYTES) settle(classifyStatus(response.statusCode ?? 0))
      })
      response.on('end', () => settle(classifyStatus(response.statusCode ?? 0)))
      response.on('error', () => settle(classifyStatus(response.statusCode ?? 0)))
    })
    const timer = setTimeout(() => settle({ outcome: 'retry', statusCode: null, error: `timeout after ${req.timeoutMs} ms` }), req.timeoutMs)
    request.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRNOTALLOWED') return settle({ outcome: 'fail', statusCode: null, error: `address not allowed: ${err.message}` })
      settle({ outcome: 'retry', statusCode: null, error: `${err.code ?? 'ERROR'}: ${err.message}` })
    })
    request.end(body)
  })
}

import { sign } from 'node:crypto'
import nacl from 'tweetnacl'
import { describe, expect, it } from 'vitest'
import {
  generateSigningKeyPair, publicKeyKid, signingPrivateKey, signingPublicKey, signStandardWebhook, signStandardWebhookAsymmetric,
  standardWebhookHeadersWithKeys, verifyStandardWebhookAsymmetric,
} from '@webhook-secret-rotation/signing'

// RFC 8032 section 7.1, test 1 (also RFC 8037's Ed25519 JWK example).
const SEED = Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex')
const PUBLIC = Buffer.from('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a', 'hex')
const EMPTY_SIGNATURE = 'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b'
const WHSK = `whsk_${SEED.toString('base64')}`
const WHPK = `whpk_${PUBLIC.toString('base64')}`

const NOW = 1_767_225_600
const headersFor = (signature: string, id = 'msg_1', timestamp = NOW) => ({ 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature })

describe('ed25519 keys as Standard Webhooks writes them', () => {
  it('reads whsk_/whpk_ as the RFC 8032 key pair and derives the RFC 7638 kid of RFC 8037', () => {
    expect(sign(null, Buffer.alloc(0), signingPrivateKey(WHSK)!).toString('hex')).toBe(EMPTY_SIGNATURE)
    expect(signingPublicKey(WHPK)!.export({ format: 'jwk' }).x).toBe('11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo')
    expect(publicKeyKid(WHPK)).toBe('kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k')
  })

  it('generates key pairs whose public key belongs to the private key', () => {
    const pair = generateSigningKeyPair()
    expect(pair.privateKey).toMatch(/^whsk_[A-Za-z0-9+/]{43}=$/)
    expect(pair.publicKey).toMatch(/^whpk_[A-Za-z0-9+/]{43}=$/)
    expect(pair.kid).toBe(publicKeyKid(pair.publicKey))
    const derived = nacl.sign.keyPair.fromSeed(new Uint8Array(Buffer.from(pair.privateKey.slice(5), 'base64')))
    expect(Buffer.from(derived.publicKey).toString('base64')).toBe(pair.publicKey.slice(5))
  })

  it('refuses what is not a 32-byte key of its kind', () => {
    for (const bad of ['', 'whsk_', WHPK, `whsk_${Buffer.alloc(31).toString('base64')}`, 'whsk_not base64!']) expect(signingPrivateKey(bad)).toBeNull()
    for (const bad of ['', WHSK, `whpk_${Buffer.alloc(33).toString('base64')}`]) expect(signingPublicKey(bad)).toBeNull()
  })
})

describe('v1a signatures', () => {
  it('sign "<id>.<timestamp>.<body>" as tweetnacl verifies it, one entry per key, after the v1 entries', () => {
    const other = generateSigningKeyPair()
    const header = signStandardWebhookAsymmetric('msg_1', NOW, '{"a":1}', [WHSK, other.privateKey])!
    const entries = header.split(' ')
    expect(entries).toHaveLength(2)
    const data = new Uint8Array(Buffer.from(`msg_1.${NOW}.{"a":1}`))
    expect(nacl.sign.detached.verify(data, new Uint8Array(Buffer.from(entries[0]!.slice(4), 'base64')), new Uint8Array(PUBLIC))).toBe(true)

    const both = standardWebhookHeadersWithKeys('msg_1', '{"a":1}', { secrets: [`whsec_${Buffer.alloc(32, 1).toString('base64')}`], privateKeys: [WHSK] }, NOW * 1000 + 999)
    expect(both['webhook-timestamp']).toBe(String(NOW))
    expect(both['webhook-signature']!.split(' ').map((e) => e.split(',')[0])).toEqual(['v1', 'v1a'])
    expect(standardWebhookHeadersWithKeys('msg_1', '{}', { secrets: [], privateKeys: [] }, NOW * 1000)).toEqual({})
  })

  it('verify against a trust list: any key, any entry; v1 entries are skipped', () => {
    const other = generateSigningKeyPair()
    const mac = signStandardWebhook('msg_1', NOW, '{}', [`whsec_${Buffer.alloc(32, 1).toString('base64')}`])!
    const header = `${mac} ${signStandardWebhookAsymmetric('msg_1', NOW, '{}', [WHSK])!}`
    expect(verifyStandardWebhookAsymmetric('{}', headersFor(header), [other.publicKey, WHPK], { nowSeconds: NOW })).toEqual({ ok: true, matchedIndex: 1 })
    expect(verifyStandardWebhookAsymmetric('{}', headersFor(mac), [WHPK], { nowSeconds: NOW })).toMatchObject({ ok: false, reason: 'signature_mismatch' })
  })

  it('say why a delivery does not verify', () => {
    const header = signStandardWebhookAsymmetric('msg_1', NOW, '{}', [WHSK])!
    const check = (body: string, headers: Record<string, string | undefined>, keys = [WHPK], nowSeconds = NOW) => {
      const r = verifyStandardWebhookAsymmetric(body, headers, keys, { nowSeconds })
      return r.ok ? 'ok' : r.reason
    }
    expect(check('{}', headersFor(header))).toBe('ok')
    expect(check('{ }', headersFor(header))).toBe('signature_mismatch')
    expect(check('{}', headersFor(header, 'msg_2'))).toBe('signature_mismatch')
    expect(check('{}', { ...headersFor(header), 'webhook-signature': undefined })).toBe('header_missing')
    expect(check('{}', headersFor(header, 'msg_1', Number.NaN))).toBe('timestamp_invalid')
    expect(check('{}', headersFor(header), [WHPK], NOW + 301)).toBe('timestamp_too_old')
    expect(check('{}', headersFor(header), [WHPK], NOW - 301)).toBe('timestamp_in_future')
    expect(check('{}', headersFor(header), ['whpk_x', WHSK])).toBe('no_keys')
    expect(check('{}', headersFor('v1a,AAAA'))).toBe('signature_mismatch')
  })
})

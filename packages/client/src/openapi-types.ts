// Generated from /v1/openapi.json by `npm run client:types` (openapi-typescript). Do not edit.

export interface paths {
    "/v1/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The process is up */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            status: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Postgres and Redis answer, and the API is not shedding load */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            status: string;
                        };
                    };
                };
                /** @description RFC 9457 problem (application/problem+json); may carry extension members */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            instance: string;
                            requestId: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem (application/problem+json); may carry extension members */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            instance: string;
                            requestId: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/errors": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Every error code
         * @description Answers HTML to `Accept: text/html`, Markdown to `Accept: text/markdown` (or at the `.md` path), JSON otherwise.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                code: string;
                                type: string;
                                status: number;
                                title: string;
                                when: string;
                                fix: string;
                                retrySafe: boolean;
                            }[];
                            _meta: {
                                requestId: string;
                                /** @description ISO-8601 UTC time with milliseconds */
                                timestamp: string;
                                message?: string;
                                idempotent?: boolean;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/errors/{code}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One error code: when it fires, why, how to fix it, its headers, related codes, whether a retry is safe
         * @description Answers HTML to `Accept: text/html`, Markdown to `Accept: text/markdown` (or at the `.md` path), JSON otherwise.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    code: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                type: string;
                                status: number;
                                title: string;
                                when: string;
                                fix: string;
                                retrySafe: boolean;
                            };
                            data: {
                                code: string;
                                type: string;
                                status: number;
                                title: string;
                                when: string;
                                fix: string;
                                retrySafe: boolean;
                            };
                            _meta: {
                                requestId: string;
                                /** @description ISO-8601 UTC time with milliseconds */
                                timestamp: string;
                                message?: string;
                                idempotent?: boolean;
                            };
                        };
                    };
                };
                /** @description RFC 9457 problem (application/problem+json); may carry extension members */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            instance: string;
                            requestId: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem (application/problem+json); may carry extension members */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            instance: string;
                            requestId: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/api-keys/me/webhook-secret/rotate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Rotate the webhook signing secret
         * @description Send an Idempotency-Key: a replay returns the same rotation and secret, never a second rotation. Without Prefer the request waits up to ROTATE_WAIT_DEFAULT_MS (25 s) and, if the rotation has not finished, answers 503 ROTATION_IN_PROGRESS: retry with the same key. Prefer: respond-async or wait=<seconds> asks for 202 with the rotation instead.
         */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description 1-255 characters from [A-Za-z0-9_-:.]; a replay returns the same rotation */
                    "idempotency-key"?: string;
                    /** @description RFC 7240: respond-async, or wait=<seconds> (max 30); either asks for 202 while unfinished. Without it: wait up to 25 s, then 503 ROTATION_IN_PROGRESS */
                    prefer?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        reason?: string;
                    } | null;
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            webhookSecret: {
                                /** @description the new whsec_ secret; null when the key signs with asymmetric keys alone (nothing secret is handed over) */
                                secret: string | null;
                                /** @description ISO-8601 UTC time with milliseconds */
                                rotatedAt: string;
                                /** @description ISO-8601 UTC time with milliseconds */
                                previousRetainedUntil: string;
                                /** Format: uuid */
                                rotationId: string;
                                /** @description the new key pair's public key, when the key signs with v1a; readable again at any time (GET …/webhook-secret, the JWKS) */
                                signingKey?: {
                                    keyVersion: number;
                                    /** @description RFC 7638 thumbprint of the key; the kid of its JWK */
                                    kid: string;
                                    /** @description whpk_ + base64 of the 32-byte ed25519 public key; not a secret */
                                    publicKey: string;
                                    current: boolean;
                                    /** @description ISO-8601 UTC time with milliseconds */
                                    createdAt: string;
                                    /** @description when it stops signing; null for the current key pair */
                                    retainedUntil: string | null;
                                };
                            };
                            data: {
                                /** @description the new whsec_ secret; null when the key signs with asymmetric keys alone (nothing secret is handed over) */
                                secret: string | null;
                                /** @description ISO-8601 UTC time with milliseconds */
                                rotatedAt: string;
                                /** @description ISO-8601 UTC time with milliseconds */
                                previousRetainedUntil: string;
                                /** Format: uuid */
                                rotationId: string;
                                /** @description the new key pair's public key, when the key signs with v1a; readable again at any time (GET …/webhook-secret, the JWKS) */
                                signingKey?: {
                                    keyVersion: number;
                                    /** @description RFC 7638 thumbprint of the key; the kid of its JWK */
                                    kid: string;
                                    /** @description whpk_ + base64 of the 32-byte ed25519 public key; not a secret */
                                    publicKey: string;
                                    current: boolean;
                                    /** @description ISO-8601 UTC time with milliseconds */
                                    createdAt: string;
                                    /** @description when it stops signing; null for the current key pair */
                                    retainedUntil: string | null;
                                };
                            };
                            _meta: {
                                requestId: string;
                                /** @description ISO-8601 UTC time with milliseconds */
                                timestamp: string;
                                message?: string;
                                idempotent?: boolean;
                            };
                        };
                    };
                };
                /** @description Accepted and not finished: only for a request with Prefer: respond-async or wait=<seconds>. Location names the rotation. */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            rotation: {
                                /** Format: uuid */
                                id: string;
                                /**
                                 * @description scheduled: run by the key's rotation schedule, like a customer rotation
                                 * @enum {string}
                                 */
                                kind: "customer" | "operator_recover" | "operator_rollback" | "operator_expire_previous" | "scheduled";
                                /** @enum {string} */
                                status: "queued" | "processing" | "succeeded" | "rejected" | "failed";
                                idempotencyKey: string | null;
                                /** @description ISO-8601 UTC time with milliseconds */
                                requestedAt: string;
                                completedAt: string | null;
                                rotatedAt: string | null;
                                previousRetainedUntil: string | null;
                                /** @description the key's secret version once this rotation succeeded (its new secret's, as in signingSecrets); null before */
                                secretVersion: number | null;
                                /** @description whether the service still holds the new secret for you to fetch */
                                secretHeld: boolean;
                                /** @description when a response carrying the secret was first completely written (or the rotation acknowledged): possibly delivered, as a written answer can still be lost; null: never delivered, and the next customer rotation discards it */
                                secretFirstDeliveredAt: string | null;
                                /** @description when the requester acknowledged the secret: confirmed; a rollback prefers confirmed secrets */
                                secretConfirmedAt: string | null;
                                secretAvailableUntil: string | null;
                                secretErasedAt: string | null;
                                secretErasedReason: ("acknowledged" | "redelivery_grace_elapsed" | "hold_expired" | "superseded_undelivered" | "key_revoked") | null;
                                error: {
                                    code: string;
                                    title: string;
                                    detail: string;
                                    retryAfter: number | null;
                                } | null;
                                /** @description the new secret, only while held */
                                secret: string | null;
                                /** @description the key pair this rotation made (its public key), when the key signs with v1a */
                                signingKey?: {
                                    keyVersion: number;
                                    /** @description RFC 7638 thumbprint of the key; the kid of its JWK */
                                    kid: string;
                                    /** @description whpk_ + base64 of the 32-byte ed25519 public key; not a secret */
                                    publicKey: string;
                                    current: boolean;
                                    /** @description ISO-8601 UTC time with milliseconds */
                                    createdAt: string;
                                    /** @description when it stops signing; null for the current key pair */
                                    retainedUntil: string | null;
                                };
                            };
                            data: {
                                /** Format: uuid */
                                id: string;
                                /**
                                 * @description scheduled: run by the key's rotation schedule, like a customer rotation
                                 * @enum {string}
                                 */
                                kind: "customer" | "operator_recover" | "operator_rollback" | "operator_expire_previous" | "scheduled";
                                /** @enum {string} */
                                status: "queued" | "processing" | "succeeded" | "rejected" | "failed";
                                idempotencyKey: string | null;
                                /** @description ISO-8601 UTC time with milliseconds */
                                requestedAt: string;
                                completedAt: string | null;
                                rotatedAt: string | null;
                                previousRetainedUntil: string | null;
                                /** @description the key's secret version once this rotation succeeded (its new secret's, as in signingSecrets); null before */
                                secretVersion: number | null;
                                /** @description whether the service still holds the new secret for you to fetch */
                                secretHeld: boolean;
                                /** @description when a response carrying the secret was first completely written (or the rotation acknowledged): possibly delivered, as a written answer can still be lost; null: never delivered, and the next customer rotation discards it */
                                secretFirstDeliveredAt: string | null;
                                /** @description when the requester acknowledged the secret: confirmed; a rollback prefers confirmed secrets */
                                secretConfirmedAt: string | null;
                                secretAvailableUntil: string | null;
                                secretErasedAt: string | null;
                                secretErasedReason: ("acknowledged" | "redelivery_grace_elapsed" | "hold_expired" | "superseded_undelivered" | "key_revoked") | null;
                                error: {
                                    code: string;
                                    title: string;
                                    detail: string;
                                    retryAfter: number | null;
                                } | null;
                                /** @description the new secret, only while held */
                                secret: string | null;
                                /** @description the key pair this rotation made (its public key), when the key signs with v1a */
                                signingKey?: {
                                    keyVersion: number;
                                    /** @description RFC 7638 thumbprint of the key; the kid of its JWK */
                                    kid: string;
                                    /** @description whpk_ + base64 of the 32-byte ed25519 public key; not a secret */
                                    publicKey: string;
                                    current: boolean;
                                    /** @description ISO-8601 UTC time with milliseconds */
                                    createdAt: string;
                                    /** @description when it stops signing; null for the current key pair */
                                    retainedUntil: string | null;
                                };
                            };
                            _meta: {
                                requestId: string;
                                /** @description ISO-8601 UTC time with milliseconds */
                                timestamp: string;
                                message?: string;
                                idempotent?: boolean;
                            };
                        };
                    };
                };
                /** @description ROTATION_IN_PROGRESS: not finished within the wait (no Prefer); retry after Retry-After with the same Idempotency-Key. DEPENDENCY_UNAVAILABLE: nothing changed; retry. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            instance: string;
                            requestId: string;
                            /**
                             * Format: uuid
                             * @description ROTATION_IN_PROGRESS: the rotation, also in Location; retry with the same Idempotency-Key
                             */
                            rotationId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem (application/problem+json); may carry extension members */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            instance: string;
                            requestId: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem (application/problem+json); may carry extension members */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            instance: string;
                            requestId: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/api-keys/me/webhook-secret/rotations/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a rotation; carries its new secret while held */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            rotation: {
                                /** Format: uuid */
                                id: string;
                                /**
                                 * @description scheduled: run by the key's rotation schedule, like a customer rotation
                                 * @enum {string}
                                 */
                                kind: "customer" | "operator_recover" | "operator_rollback" | "operator_expire_previous" | "scheduled";
                                /** @enum {string} */
                                status: "queued" | "processing" | "succeeded" | "rejected" | "failed";
                                idempotencyKey: string | null;
                                /** @description ISO-8601 UTC time with milliseconds */
                                requestedAt: string;
                                completedAt: string | null;
                                rotatedAt: string | null;
                                previousRetainedUntil: string | null;
                                /** @description the key's secret version once this rotation succeeded (its new secret's, as in signingSecrets); null before */
                                secretVersion: number | null;
                                /** @description whether the service still holds the new secret for you to fetch */
                                secretHeld: boolean;
                                /** @description when a response carrying the secret was first completely written (or the rotation acknowledged): possibly delivered, as a written answer can still be lost; null: never delivered, and the next customer rotation discards it */
                                secretFirstDeliveredAt: string | null;
                                /** @description when the requester acknowledged the secret: confirmed; a rollback prefers confirmed secrets */
                                secretConfirmedAt: string | null;
                                secretAvailableUntil: string | null;
                                secretErasedAt: string | null;
                                secretErasedReason: ("acknowledged" | "redelivery_grace_elapsed" | "hold_expired" | "superseded_undelivered" | "key_revoked") | null;
                                error: {
                                    code: string;
                                    title: string;
                                    detail: string;
                                    retryAfter: number | null;
                                } | null;
                                /** @description the new secret, only while held */
                                secret: string | null;
                                /** @description the key pair this rotation made (its public key), when the key signs with v1a */
                                signingKey?: {
                                    keyVersion: number;
                                    /** @description RFC 7638 thumbprint of the key; the kid of its JWK */
                                    kid: string;
                                    /** @description whpk_ + base64 of the 32-byte ed25519 public key; not a secret */
                                    publicKey: string;
                                    current: boolean;
                                    /** @description ISO-8601 UTC time with milliseconds */
                                    createdAt: string;
                                    /** @description when it stops signing; null for the current key pair */
                                    retainedUntil: string | null;
                                };
                            };
                            data: {
                                /** Format: uuid */
                                id: string;
                                /**
                                 * @description scheduled: run by the key's rotation schedule, like a customer rotation
                                 * @enum {string}
                                 */
                                kind: "customer" | "operator_recover" | "operator_rollback" | "operator_expire_previous" | "scheduled";
                                /** @enum {string} */
                                status: "queued" | "processing" | "succeeded" | "rejected" | "failed";
                                idempotencyKey: string | null;
                                /** @description ISO-8601 UTC time with milliseconds */
                                requestedAt: string;
                                completedAt: string | null;
                                rotatedAt: string | null;
                                previousRetainedUntil: string | null;
                                /** @description the key's secret version once this rotation succeeded (its new secret's, as in signingSecrets); null before */
                                secretVersion: number | null;
                                /** @description whether the service still holds the new secret for you to fetch */
                                secretHeld: boolean;
                                /** @description when a response carrying the secret was first completely written (or the rotation acknowledged): possibly delivered, as a written answer can still be lost; null: never delivered, and the next customer rotation discards it */
                                secretFirstDeliveredAt: string | null;
                                /** @description when the requester acknowledged the secret: confirmed; a rollback prefers confirmed secrets */
                                secretConfirmedAt: string | null;
                                secretAvailableUntil: string | null;
                                secretErasedAt: string | null;
                                secretErasedReason: ("acknowledged" | "redelivery_grace_elapsed" | "hold_expired" | "superseded_undelivered" | "key_revoked") | null;
                                error: {
                                    code: string;
                                    title: string;
                                    detail: string;
                                    retryAfter: number | null;
                                } | null;
                                /** @description the new secret, only while held */
                                secret: string | null;
                                /** @description the key pair this rotation made (its public key), when the key signs with v1a */
                                signingKey?: {
                                    keyVersion: number;
                                    /** @description RFC 7638 thumbprint of the key; the kid of its JWK */
                                    kid: string;
                                    /** @description whpk_ + base64 of the 32-byte ed25519 public key; not a secret */
                                    publicKey: string;
                                    current: boolean;
                                    /** @description ISO-8601 UTC time with milliseconds */
                                    createdAt: string;
                                    /** @description when it stops signing; null for the current key pair */
                                    retainedUntil: string | null;
                                };
                            };
                            _meta: {
                                requestId: string;
                                /** @description ISO-8601 UTC time with milliseconds */
                                timestamp: string;
                                message?: string;
                                idempotent?: boolean;
                            };
                        };
                    };
                };
                /** @description RFC 9457 problem (application/problem+json); may carry extension members */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            instance: string;
                            requestId: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem (application/problem+json); may carry extension members */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            instance: string;
                            requestId: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/api-keys/me/webhook-secret/rotations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List rotations, newest first */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    /** @description only rotations of this kind (scheduled: those the key's schedule ran, whose secrets a client picks up) */
                    kind?: "customer" | "operator_recover" | "operator_rollback" | "operator_expire_previous" | "scheduled";
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                /** Format: uuid */
                                id: string;
                                /**
                                 * @description scheduled: run by the key's rotation schedule, like a customer rotation
                                 * @enum {string}
                                 */
                                kind: "customer" | "operator_recover" | "operator_rollback" | "operator_expire_previous" | "scheduled";
                                /** @enum {string} */
                                status: "queued" | "processing" | "succeeded" | "rejected" | "failed";
                                idempotencyKey: string | null;
                                /** @description ISO-8601 UTC time with milliseconds */
                                requestedAt: string;
                                completedAt: string | null;
                                rotatedAt: string | null;
                                previousRetainedUntil: string | null;
                                /** @description the key's secret version once this rotation succeeded (its new secret's, as in signingSecrets); null before */
                                secretVersion: number | null;
                                /** @description whether the service still holds the new secret for you to fetch */
                                secretHeld: boolean;
                                /** @description when a response carrying the secret was first completely written (or the rotation acknowledged): possibly delivered, as a written answer can still be lost; null: never delivered, and the next customer rotation discards it */
                                secretFirstDeliveredAt: string | null;
                                /** @description when the requester acknowledged the secret: confirmed; a rollback prefers confirmed secrets */
                                secretConfirmedAt: string | null;
                                secretAvailableUntil: string | null;
                                secretErasedAt: string | null;
                                secretErasedReason: ("acknowledged" | "redelivery_grace_elapsed" | "hold_expired" | "superseded_undelivered" | "key_revoked") | null;
                                error: {
                                    code: string;
                                    title: string;
                                    detail: string;
                                    retryAfter: number | null;
                                } | null;
                            }[];
                            pagination: {
                                cursor: string | null;
                                hasMore: boolean;
                                limit: number;
                            };
                            _meta: {
                                requestId: string;
                                /** @description ISO-8601 UTC time with milliseconds */
                                timestamp: string;
                                message?: string;
                                idempotent?: boolean;
                            };
                        };
                    };
                };
                /** @description RFC 9457 problem (application/problem+json); may carry extension members */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            instance: string;
                            requestId: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem (application/problem+json); may carry extension members */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            instance: string;
                            requestId: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/api-keys/me/webhook-secret/rotations/{id}/acknowledge": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Confirm the new secret is stored; the held copy is erased */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            rotation: {
                                /** Format: uuid */
                                id: string;
                                /**
                                 * @description scheduled: run by the key's rotation schedule, like a customer rotation
                                 * @enum {string}
                                 */
                                kind: "customer" | "operator_recover" | "operator_rollback" | "operator_expire_previous" | "scheduled";
                                /** @enum {string} */
                                status: "queued" | "processing" | "succeeded" | "rejected" | "failed";
                                idempotencyKey: string | null;
                                /** @description ISO-8601 UTC time with milliseconds */
                                requestedAt: string;
                                completedAt: string | null;
                                rotatedAt: string | null;
                                previousRetainedUntil: string | null;
                                /** @description the key's secret version once this rotation succeeded (its new secret's, as in signingSecrets); null before */
                                secretVersion: number | null;
                                /** @description whether the service still holds the new secret for you to fetch */
                                secretHeld: boolean;
                                /** @description when a response carrying the secret was first completely written (or the rotation acknowledged): possibly delivered, as a written answer can still be lost; null: never delivered, and the next customer rotation discards it */
                                secretFirstDeliveredAt: string | null;
                                /** @description when the requester acknowledged the secret: confirmed; a rollback prefers confirmed secrets */
                                secretConfirmedAt: string | null;
                                secretAvailableUntil: string | null;
                                secretErasedAt: string | null;
                                secretErasedReason: ("acknowledged" | "redelivery_grace_elapsed" | "hold_expired" | "superseded_undelivered" | "key_revoked") | null;
                                error: {
                                    code: string;
                                    title: string;
                                    detail: string;
                                    retryAfter: number | null;
                                } | null;
                                /** @description the new secret, only while held */
                                secret: string | null;
                                /** @description the key pair this rotation made (its public key), when the key signs with v1a */
                                signingKey?: {
                                    keyVersion: number;
                                    /** @description RFC 7638 thumbprint of the key; the kid of its JWK */
                                    kid: string;
                                    /** @description whpk_ + base64 of the 32-byte ed25519 public key; not a secret */
                                    publicKey: string;
                                    current: boolean;
                                    /** @description ISO-8601 UTC time with milliseconds */
                                    createdAt: string;
                                    /** @description when it stops signing; null for the current key pair */
                                    retainedUntil: string | null;
                                };
                            };
                            data: {
                                /** Format: uuid */
                                id: string;
                                /**
                                 * @description scheduled: run by the key's rotation schedule, like a customer rotation
                                 * @enum {string}
                                 */
                                kind: "customer" | "operator_recover" | "operator_rollback" | "operator_expire_previous" | "scheduled";
                                /** @enum {string} */
                                status: "queued" | "processing" | "succeeded" | "rejected" | "failed";
                                idempotencyKey: string | null;
                                /** @description ISO-8601 UTC time with milliseconds */
                                requestedAt: string;
                                completedAt: string | null;
                                rotatedAt: string | null;
                                previousRetainedUntil: string | null;
                                /** @description the key's secret version once this rotation succeeded (its new secret's, as in signingSecrets); null before */
                                secretVersion: number | null;
                                /** @description whether the service still holds the new secret for you to fetch */
                                secretHeld: boolean;
                                /** @description when a response carrying the secret was first completely written (or the rotation acknowledged): possibly delivered, as a written answer can still be lost; null: never delivered, and the next customer rotation discards it */
                                secretFirstDeliveredAt: string | null;
                                /** @description when the requester acknowledged the secret: confirmed; a rollback prefers confirmed secrets */
                                secretConfirmedAt: string | null;
                                secretAvailableUntil: string | null;
                                secretErasedAt: string | null;
                                secretErasedReason: ("acknowledged" | "redelivery_grace_elapsed" | "hold_expired" | "superseded_undelivered" | "key_revoked") | null;
                                error: {
                                    code: string;
                                    title: string;
                                    detail: string;
                                    retryAfter: number | null;
                                } | null;
                                /** @description the new secret, only while held */
                                secret: string | null;
                                /** @description the key pair this rotation made (its public key), when the key signs with v1a */
                                signingKey?: {
                                    keyVersion: number;
                                    /** @description RFC 7638 thumbprint of the key; the kid of its JWK */
                                    kid: string;
                                    /** @description whpk_ + base64 of the 32-byte ed25519 public key; not a secret */
                                    publicKey: string;
                                    current: boolean;
                                    /** @description ISO-8601 UTC time with milliseconds */
                                    createdAt: string;
                                    /** @description when it stops signing; null for the current key pair */
                                    retainedUntil: string | null;
                                };
                            };
                            _meta: {
                                requestId: string;
                                /** @description ISO-8601 UTC time with milliseconds */
                                timestamp: string;
                                message?: string;
                                idempotent?: boolean;
                            };
                        };
                    };
                };
                /** @description RFC 9457 problem (application/problem+json); may carry extension members */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            instance: string;
                            requestId: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem (application/problem+json); may carry extension members */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            instance: string;
                            requestId: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/api-keys/me/webhook-secret": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Webhook secret metadata (never the secret) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            webhookSecret: {
                                secretVersion: number;
                                rotatedAt: string | null;
                                previousRetainedUntil: string | null;
                                cooldownEndsAt: string | null;
                                webhookUrl: string | null;
                                /** @description every secret each delivery is signed with now, current first (never the secrets themselves); this service's addition */
                                signingSecrets: {
                                    secretVersion: number;
                                    current: boolean;
                                    /** @description issued with the key, restored by a rollback, or acknowledged; otherwise only possibly delivered */
                                    confirmed: boolean;
                                    /** @description when it stops signing; null for the current secret */
                                    retainedUntil: string | null;
                                }[];
                                /**
                                 * @description symmetric: whsec_ secrets sign (HMAC, v1 and X-Kash-Signature; the default); asymmetric: ed25519 key pairs sign (Standard Webhooks v1a); both: while a receiver migrates
                                 * @enum {string}
                                 */
                                signingScheme: "symmetric" | "asymmetric" | "both";
                                /** @description the key's public JWKS document (no authentication); null until the key first signs with v1a */
                                jwksUrl: string | null;
                                /** @description the public keys every delivery is signed with now (v1a), current first; empty for a symmetric key */
                                publicKeys: {
                                    keyVersion: number;
                                    /** @description RFC 7638 thumbprint of the key; the kid of its JWK */
                                    kid: string;
                                    /** @description whpk_ + base64 of the 32-byte ed25519 public key; not a secret */
                                    publicKey: string;
                                    current: boolean;
                                    /** @description ISO-8601 UTC time with milliseconds */
                                    createdAt: string;
                                    /** @description when it stops signing; null for the current key pair */
                                    retainedUntil: string | null;
                                }[];
                                /** @description the key's rotation schedule; a scheduled rotation runs by the same rule (and cooldown) as a customer rotation */
                                rotationSchedule: {
                                    /** @description rotate every this many days; null: no schedule */
                                    everyDays: number | null;
                                    /** @description when the schedule was set; the count starts at the later of this and the last rotation */
                                    setAt: string | null;
                                    /** @description when the key is next due: its secret (or key pair) is everyDays old; the scheduler rotates it within a minute of this. Any rotation before then restarts the count */
                                    nextRotationAt: string | null;
                                };
                            };
                            data: {
                                secretVersion: number;
                                rotatedAt: string | null;
                                previousRetainedUntil: string | null;
                                cooldownEndsAt: string | null;
                                webhookUrl: string | null;
                                /** @description every secret each delivery is signed with now, current first (never the secrets themselves); this service's addition */
                                signingSecrets: {
                                    secretVersion: number;
                                    current: boolean;
                                    /** @description issued with the key, restored by a rollback, or acknowledged; otherwise only possibly delivered */
                                    confirmed: boolean;
                                    /** @description when it stops signing; null for the current secret */
                                    retainedUntil: string | null;
                                }[];
                                /**
                                 * @description symmetric: whsec_ secrets sign (HMAC, v1 and X-Kash-Signature; the default); asymmetric: ed25519 key pairs sign (Standard Webhooks v1a); both: while a receiver migrates
                                 * @enum {string}
                                 */
                                signingScheme: "symmetric" | "asymmetric" | "both";
                                /** @description the key's public JWKS document (no authentication); null until the key first signs with v1a */
                                jwksUrl: string | null;
                                /** @description the public keys every delivery is signed with now (v1a), current first; empty for a symmetric key */
                                publicKeys: {
                                    keyVersion: number;
                                    /** @description RFC 7638 thumbprint of the key; the kid of its JWK */
                                    kid: string;
                                    /** @description whpk_ + base64 of the 32-byte ed25519 public key; not a secret */
                                    publicKey: string;
                                    current: boolean;
                                    /** @description ISO-8601 UTC time with milliseconds */
                                    createdAt: string;
                                    /** @description when it stops signing; null for the current key pair */
                                    retainedUntil: string | null;
                                }[];
                                /** @description the key's rotation schedule; a scheduled rotation runs by the same rule (and cooldown) as a customer rotation */
                                rotationSchedule: {
                                    /** @description rotate every this many days; null: no schedule */
                                    everyDays: number | null;
                                    /** @description when the schedule was set; the count starts at the later of this and the last rotation */
                                    setAt: string | null;
                                    /** @description when the key is next due: its secret (or key pair) is everyDays old; the scheduler rotates it within a minute of this. Any rotation before then restarts the count */
                                    nextRotationAt: string | null;
                                };
                            };
                            _meta: {
                                requestId: string;
                                /** @description ISO-8601 UTC time with milliseconds */
                                timestamp: string;
                                message?: string;
                                idempotent?: boolean;
                            };
                        };
                    };
                };
                /** @description RFC 9457 problem (application/problem+json); may carry extension members */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            instance: string;
                            requestId: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem (application/problem+json); may carry extension members */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            instance: string;
                            requestId: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/api-keys/me/webhook-secret/scheme": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Choose how deliveries are signed: symmetric (whsec_), asymmetric (ed25519, v1a) or both
         * @description Switching to asymmetric or both makes the key's first key pair when it has none and answers its public key (never the private key). The same scheme again changes nothing. Audited.
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /**
                         * @description symmetric: whsec_ secrets sign (HMAC, v1 and X-Kash-Signature; the default); asymmetric: ed25519 key pairs sign (Standard Webhooks v1a); both: while a receiver migrates
                         * @enum {string}
                         */
                        scheme: "symmetric" | "asymmetric" | "both";
                        reason?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            signingScheme: {
                                /**
                                 * @description symmetric: whsec_ secrets sign (HMAC, v1 and X-Kash-Signature; the default); asymmetric: ed25519 key pairs sign (Standard Webhooks v1a); both: while a receiver migrates
                                 * @enum {string}
                                 */
                                signingScheme: "symmetric" | "asymmetric" | "both";
                                jwksUrl: string | null;
                                publicKeys: {
                                    keyVersion: number;
                                    /** @description RFC 7638 thumbprint of the key; the kid of its JWK */
                                    kid: string;
                                    /** @description whpk_ + base64 of the 32-byte ed25519 public key; not a secret */
                                    publicKey: string;
                                    current: boolean;
                                    /** @description ISO-8601 UTC time with milliseconds */
                                    createdAt: string;
                                    /** @description when it stops signing; null for the current key pair */
                                    retainedUntil: string | null;
                                }[];
                            };
                            data: {
                                /**
                                 * @description symmetric: whsec_ secrets sign (HMAC, v1 and X-Kash-Signature; the default); asymmetric: ed25519 key pairs sign (Standard Webhooks v1a); both: while a receiver migrates
                                 * @enum {string}
                                 */
                                signingScheme: "symmetric" | "asymmetric" | "both";
                                jwksUrl: string | null;
                                publicKeys: {
                                    keyVersion: number;
                                    /** @description RFC 7638 thumbprint of the key; the kid of its JWK */
                                    kid: string;
                                    /** @description whpk_ + base64 of the 32-byte ed25519 public key; not a secret */
                                    publicKey: string;
                                    current: boolean;
                                    /** @description ISO-8601 UTC time with milliseconds */
                                    createdAt: string;
                                    /** @description when it stops signing; null for the current key pair */
                                    retainedUntil: string | null;
                                }[];
                            };
                            _meta: {
                                requestId: string;
                                /** @description ISO-8601 UTC time with milliseconds */
                                timestamp: string;
                                message?: string;
                                idempotent?: boolean;
                            };
                        };
                    };
                };
                /** @description RFC 9457 problem (application/problem+json); may carry extension members */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            instance: string;
                            requestId: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem (application/problem+json); may carry extension members */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            instance: string;
                            requestId: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/api-keys/me/webhook-secret/test-delivery": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send a signed webhook.test event to your webhook URL
         * @description sign: "current" lets you check that your verifier accepts the new secret alone before the previous one retires.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /**
                         * @description both (current and every earlier secret still in its window), current alone, or the earlier secrets alone
                         * @default both
                         * @enum {string}
                         */
                        sign?: "both" | "current" | "previous";
                    } | null;
                };
            };
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            event: {
                                /**
                                 * Format: uuid
                                 * @description also sent as X-Kash-Event-Id
                                 */
                                id: string;
                                /** @enum {string} */
                                type: "webhook_secret.rotated" | "webhook_secret.rolled_back" | "webhook.test";
                                /** @enum {string} */
                                status: "none" | "pending" | "retrying" | "delivered" | "failed";
                                /** @enum {string} */
                                signWith: "both" | "current" | "previous";
                                rotationId: string | null;
                                attempts: number;
                                redeliveries: number;
                                lastStatusCode: number | null;
                                lastError: string | null;
                                /** @description ISO-8601 UTC time with milliseconds */
                                createdAt: string;
                                lastAttemptAt: string | null;
                                deliveredAt: string | null;
                                /** @description the JSON body delivered */
                                payload: {
                                    [key: string]: unknown;
                                };
                                /** @description the same as type */
                                eventType: string;
                                /** Format: uuid */
                                apiKeyId: string;
                                /** @description always null: this service emits no trade events */
                                tradeRequestId: null;
                                /** @description the same as createdAt */
                                emittedAt: string;
                                /** @description when the event was handed to delivery (recorded and queued together, so createdAt); null when there was nothing to deliver to */
                                outboxEmittedAt: string | null;
                                /** @description the same as redeliveries */
                                replayCount: number;
                                lastDeliveredAt: string | null;
                                deliveryAttempts: number;
                                delivery: {
                                    attempts: number;
                                    lastAttemptedAt: string | null;
                                    lastDeliveredAt: string | null;
                                    lastStatusCode: number | null;
                                    /** @description HTTP_<status>, TIMEOUT, ADDRESS_NOT_ALLOWED, INVALID_URL, a network error code (ECONNREFUSED, …) or another upper-case code */
                                    lastFailureCode: string | null;
                                    lastErrorMessage: string | null;
                                    /** @description when the delivery failed for good */
                                    terminalFailureAt: string | null;
                                };
                            };
                            data: {
                                /**
                                 * Format: uuid
                                 * @description also sent as X-Kash-Event-Id
                                 */
                                id: string;
                                /** @enum {string} */
                                type: "webhook_secret.rotated" | "webhook_secret.rolled_back" | "webhook.test";
                                /** @enum {string} */
                                status: "none" | "pending" | "retrying" | "delivered" | "failed";
                                /** @enum {string} */
                                signWith: "both" | "current" | "previous";
                                rotationId: string | null;
                                attempts: number;
                                redeliveries: number;
                                lastStatusCode: number | null;
                                lastError: string | null;
                                /** @description ISO-8601 UTC time with milliseconds */
                                createdAt: string;
                                lastAttemptAt: string | null;
                                deliveredAt: string | null;
                                /** @description the JSON body delivered */
                                payload: {
                                    [key: string]: unknown;
                                };
                                /** @description the same as type */
                                eventType: string;
                                /** Format: uuid */
                                apiKeyId: string;
                                /** @description always null: this service emits no trade events */
                                tradeRequestId: null;
                                /** @description the same as createdAt */
                                emittedAt: string;
                                /** @description when the event was handed to delivery (recorded and queued together, so createdAt); null when there was nothing to deliver to */
                                outboxEmittedAt: string | null;
                                /** @description the same as redeliveries */
                                replayCount: number;
                                lastDeliveredAt: string | null;
                                deliveryAttempts: number;
                                delivery: {
                                    attempts: number;
                                    lastAttemptedAt: string | null;
                                    lastDeliveredAt: string | null;
                                    lastStatusCode: number | null;
                                    /** @description HTTP_<status>, TIMEOUT, ADDRESS_NOT_ALLOWED, INVALID_URL, a network error code (ECONNREFUSED, …) or another upper-case code */
                                    lastFailureCode: string | null;
                                    lastErrorMessage: string | null;
                                    /** @description when the delivery failed for good */
                                    terminalFailureAt: string | null;
                                };
                            };
                            _meta: {
                                requestId: string;
                                /** @description ISO-8601 UTC time with milliseconds */
                                timestamp: string;
                                message?: string;
                                idempotent?: boolean;
                            };
                        };
                    };
                };
                /** @description RFC 9457 problem (application/problem+json); may carry extension members */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            instance: string;
                            requestId: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem (application/problem+json); may carry extension members */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            instance: string;
                            requestId: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/api-keys/me/webhook-secret/schedule": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Rotate the webhook secret (or key pair) every N days
         * @description A scheduled rotation runs through the same rule and cooldown as POST rotate, audited as scheduled. For a symmetric key the new secret is held for your client to fetch and acknowledge (GET …/rotations?kind=scheduled); an asymmetric key needs nobody. null removes the schedule. The same value again changes nothing. Audited.
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description 1 to 365; null removes the schedule */
                        everyDays: number | null;
                        reason?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description the key's rotation schedule; a scheduled rotation runs by the same rule (and cooldown) as a customer rotation */
                            rotationSchedule: {
                                /** @description rotate every this many days; null: no schedule */
                                everyDays: number | null;
                                /** @description when the schedule was set; the count starts at the later of this and the last rotation */
                                setAt: string | null;
                                /** @description when the key is next due: its secret (or key pair) is everyDays old; the scheduler rotates it within a minute of this. Any rotation before then restarts the count */
                                nextRotationAt: string | null;
                            };
                            /** @description the key's rotation schedule; a scheduled rotation runs by the same rule (and cooldown) as a customer rotation */
                            data: {
                                /** @description rotate every this many days; null: no schedule */
                                everyDays: number | null;
                                /** @description when the schedule was set; the count starts at the later of this and the last rotation */
                                setAt: string | null;
                                /** @description when the key is next due: its secret (or key pair) is everyDays old; the scheduler rotates it within a minute of this. Any rotation before then restarts the count */
                                nextRotationAt: string | null;
                            };
                            _meta: {
                                requestId: string;
                                /** @description ISO-8601 UTC time with milliseconds */
                                timestamp: string;
                                message?: string;
                                idempotent?: boolean;
                            };
                        };
                    };
                };
                /** @description RFC 9457 problem (application/problem+json); may carry extension members */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            instance: string;
                            requestId: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem (application/problem+json); may carry extension members */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            instance: string;
                            requestId: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        post?: never;
        /** Remove the rotation schedule */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description the key's rotation schedule; a scheduled rotation runs by the same rule (and cooldown) as a customer rotation */
                            rotationSchedule: {
                                /** @description rotate every this many days; null: no schedule */
                                everyDays: number | null;
                                /** @description when the schedule was set; the count starts at the later of this and the last rotation */
                                setAt: string | null;
                                /** @description when the key is next due: its secret (or key pair) is everyDays old; the scheduler rotates it within a minute of this. Any rotation before then restarts the count */
                                nextRotationAt: string | null;
                            };
                            /** @description the key's rotation schedule; a scheduled rotation runs by the same rule (and cooldown) as a customer rotation */
                            data: {
                                /** @description rotate every this many days; null: no schedule */
                                everyDays: number | null;
                                /** @description when the schedule was set; the count starts at the later of this and the last rotation */
                                setAt: string | null;
                                /** @description when the key is next due: its secret (or key pair) is everyDays old; the scheduler rotates it within a minute of this. Any rotation before then restarts the count */
                                nextRotationAt: string | null;
                            };
                            _meta: {
                                requestId: string;
                                /** @description ISO-8601 UTC time with milliseconds */
                                timestamp: string;
                                message?: string;
                                idempotent?: boolean;
                            };
                        };
                    };
                };
                /** @description RFC 9457 problem (application/problem+json); may carry extension members */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            instance: string;
                            requestId: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem (application/problem+json); may carry extension members */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            instance: string;
                            requestId: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List events and their delivery status, newest first */
        get: {
            parameters: {
                query?: {
                    /** @description one status, or several separated by commas (pending,retrying) */
                    status?: string;
                    limit?: number;
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                /**
                                 * Format: uuid
                                 * @description also sent as X-Kash-Event-Id
                                 */
                                id: string;
                                /** @enum {string} */
                                type: "webhook_secret.rotated" | "webhook_secret.rolled_back" | "webhook.test";
                                /** @enum {string} */
                                status: "none" | "pending" | "retrying" | "delivered" | "failed";
                                /** @enum {string} */
                                signWith: "both" | "current" | "previous";
                                rotationId: string | null;
                                attempts: number;
                                redeliveries: number;
                                lastStatusCode: number | null;
                                lastError: string | null;
                                /** @description ISO-8601 UTC time with milliseconds */
                                createdAt: string;
                                lastAttemptAt: string | null;
                                deliveredAt: string | null;
                                /** @description the JSON body delivered */
                                payload: {
                                    [key: string]: unknown;
                                };
                                /** @description the same as type */
                                eventType: string;
                                /** Format: uuid */
                                apiKeyId: string;
                                /** @description always null: this service emits no trade events */
                                tradeRequestId: null;
                                /** @description the same as createdAt */
                                emittedAt: string;
                                /** @description when the event was handed to delivery (recorded and queued together, so createdAt); null when there was nothing to deliver to */
                                outboxEmittedAt: string | null;
                                /** @description the same as redeliveries */
                                replayCount: number;
                                lastDeliveredAt: string | null;
                                deliveryAttempts: number;
                                delivery: {
                                    attempts: number;
                                    lastAttemptedAt: string | null;
                                    lastDeliveredAt: string | null;
                                    lastStatusCode: number | null;
                                    /** @description HTTP_<status>, TIMEOUT, ADDRESS_NOT_ALLOWED, INVALID_URL, a network error code (ECONNREFUSED, …) or another upper-case code */
                                    lastFailureCode: string | null;
                                    lastErrorMessage: string | null;
                                    /** @description when the delivery failed for good */
                                    terminalFailureAt: string | null;
                                };
                            }[];
                            pagination: {
                                cursor: string | null;
                                hasMore: boolean;
                                limit: number;
                            };
                            _meta: {
                                requestId: string;
                                /** @description ISO-8601 UTC time with milliseconds */
                                timestamp: string;
                                message?: string;
                                idempotent?: boolean;
                            };
                        };
                    };
                };
                /** @description RFC 9457 problem (application/problem+json); may carry extension members */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            instance: string;
                            requestId: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem (application/problem+json); may carry extension members */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            instance: string;
                            requestId: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/events/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One event and its delivery record */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            event: {
                                /**
                                 * Format: uuid
                                 * @description also sent as X-Kash-Event-Id
                                 */
                                id: string;
                                /** @enum {string} */
                                type: "webhook_secret.rotated" | "webhook_secret.rolled_back" | "webhook.test";
                                /** @enum {string} */
                                status: "none" | "pending" | "retrying" | "delivered" | "failed";
                                /** @enum {string} */
                                signWith: "both" | "current" | "previous";
                                rotationId: string | null;
                                attempts: number;
                                redeliveries: number;
                                lastStatusCode: number | null;
                                lastError: string | null;
                                /** @description ISO-8601 UTC time with milliseconds */
                                createdAt: string;
                                lastAttemptAt: string | null;
                                deliveredAt: string | null;
                                /** @description the JSON body delivered */
                                payload: {
                                    [key: string]: unknown;
                                };
                                /** @description the same as type */
                                eventType: string;
                                /** Format: uuid */
                                apiKeyId: string;
                                /** @description always null: this service emits no trade events */
                                tradeRequestId: null;
                                /** @description the same as createdAt */
                                emittedAt: string;
                                /** @description when the event was handed to delivery (recorded and queued together, so createdAt); null when there was nothing to deliver to */
                                outboxEmittedAt: string | null;
                                /** @description the same as redeliveries */
                                replayCount: number;
                                lastDeliveredAt: string | null;
                                deliveryAttempts: number;
                                delivery: {
                                    attempts: number;
                                    lastAttemptedAt: string | null;
                                    lastDeliveredAt: string | null;
                                    lastStatusCode: number | null;
                                    /** @description HTTP_<status>, TIMEOUT, ADDRESS_NOT_ALLOWED, INVALID_URL, a network error code (ECONNREFUSED, …) or another upper-case code */
                                    lastFailureCode: string | null;
                                    lastErrorMessage: string | null;
                                    /** @description when the delivery failed for good */
                                    terminalFailureAt: string | null;
                                };
                            };
                            data: {
                                /**
                                 * Format: uuid
                                 * @description also sent as X-Kash-Event-Id
                                 */
                                id: string;
                                /** @enum {string} */
                                type: "webhook_secret.rotated" | "webhook_secret.rolled_back" | "webhook.test";
                                /** @enum {string} */
                                status: "none" | "pending" | "retrying" | "delivered" | "failed";
                                /** @enum {string} */
                                signWith: "both" | "current" | "previous";
                                rotationId: string | null;
                                attempts: number;
                                redeliveries: number;
                                lastStatusCode: number | null;
                                lastError: string | null;
                                /** @description ISO-8601 UTC time with milliseconds */
                                createdAt: string;
                                lastAttemptAt: string | null;
                                deliveredAt: string | null;
                                /** @description the JSON body delivered */
                                payload: {
                                    [key: string]: unknown;
                                };
                                /** @description the same as type */
                                eventType: string;
                                /** Format: uuid */
                                apiKeyId: string;
                                /** @description always null: this service emits no trade events */
                                tradeRequestId: null;
                                /** @description the same as createdAt */
                                emittedAt: string;
                                /** @description when the event was handed to delivery (recorded and queued together, so createdAt); null when there was nothing to deliver to */
                                outboxEmittedAt: string | null;
                                /** @description the same as redeliveries */
                                replayCount: number;
                                lastDeliveredAt: string | null;
                                deliveryAttempts: number;
                                delivery: {
                                    attempts: number;
                                    lastAttemptedAt: string | null;
                                    lastDeliveredAt: string | null;
                                    lastStatusCode: number | null;
                                    /** @description HTTP_<status>, TIMEOUT, ADDRESS_NOT_ALLOWED, INVALID_URL, a network error code (ECONNREFUSED, …) or another upper-case code */
                                    lastFailureCode: string | null;
                                    lastErrorMessage: string | null;
                                    /** @description when the delivery failed for good */
                                    terminalFailureAt: string | null;
                                };
                            };
                            _meta: {
                                requestId: string;
                                /** @description ISO-8601 UTC time with milliseconds */
                                timestamp: string;
                                message?: string;
                                idempotent?: boolean;
                            };
                        };
                    };
                };
                /** @description RFC 9457 problem (application/problem+json); may carry extension members */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            instance: string;
                            requestId: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem (application/problem+json); may carry extension members */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            instance: string;
                            requestId: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/events/{id}/redeliver": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send an event again (at most 5 times); 202, the delivery is queued */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": Record<string, never> | null;
                };
            };
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            event: {
                                /**
                                 * Format: uuid
                                 * @description also sent as X-Kash-Event-Id
                                 */
                                id: string;
                                /** @enum {string} */
                                type: "webhook_secret.rotated" | "webhook_secret.rolled_back" | "webhook.test";
                                /** @enum {string} */
                                status: "none" | "pending" | "retrying" | "delivered" | "failed";
                                /** @enum {string} */
                                signWith: "both" | "current" | "previous";
                                rotationId: string | null;
                                attempts: number;
                                redeliveries: number;
                                lastStatusCode: number | null;
                                lastError: string | null;
                                /** @description ISO-8601 UTC time with milliseconds */
                                createdAt: string;
                                lastAttemptAt: string | null;
                                deliveredAt: string | null;
                                /** @description the JSON body delivered */
                                payload: {
                                    [key: string]: unknown;
                                };
                                /** @description the same as type */
                                eventType: string;
                                /** Format: uuid */
                                apiKeyId: string;
                                /** @description always null: this service emits no trade events */
                                tradeRequestId: null;
                                /** @description the same as createdAt */
                                emittedAt: string;
                                /** @description when the event was handed to delivery (recorded and queued together, so createdAt); null when there was nothing to deliver to */
                                outboxEmittedAt: string | null;
                                /** @description the same as redeliveries */
                                replayCount: number;
                                lastDeliveredAt: string | null;
                                deliveryAttempts: number;
                                delivery: {
                                    attempts: number;
                                    lastAttemptedAt: string | null;
                                    lastDeliveredAt: string | null;
                                    lastStatusCode: number | null;
                                    /** @description HTTP_<status>, TIMEOUT, ADDRESS_NOT_ALLOWED, INVALID_URL, a network error code (ECONNREFUSED, …) or another upper-case code */
                                    lastFailureCode: string | null;
                                    lastErrorMessage: string | null;
                                    /** @description when the delivery failed for good */
                                    terminalFailureAt: string | null;
                                };
                            };
                            data: {
                                /**
                                 * Format: uuid
                                 * @description also sent as X-Kash-Event-Id
                                 */
                                id: string;
                                /** @enum {string} */
                                type: "webhook_secret.rotated" | "webhook_secret.rolled_back" | "webhook.test";
                                /** @enum {string} */
                                status: "none" | "pending" | "retrying" | "delivered" | "failed";
                                /** @enum {string} */
                                signWith: "both" | "current" | "previous";
                                rotationId: string | null;
                                attempts: number;
                                redeliveries: number;
                                lastStatusCode: number | null;
                                lastError: string | null;
                                /** @description ISO-8601 UTC time with milliseconds */
                                createdAt: string;
                                lastAttemptAt: string | null;
                                deliveredAt: string | null;
                                /** @description the JSON body delivered */
                                payload: {
                                    [key: string]: unknown;
                                };
                                /** @description the same as type */
                                eventType: string;
                                /** Format: uuid */
                                apiKeyId: string;
                                /** @description always null: this service emits no trade events */
                                tradeRequestId: null;
                                /** @description the same as createdAt */
                                emittedAt: string;
                                /** @description when the event was handed to delivery (recorded and queued together, so createdAt); null when there was nothing to deliver to */
                                outboxEmittedAt: string | null;
                                /** @description the same as redeliveries */
                                replayCount: number;
                                lastDeliveredAt: string | null;
                                deliveryAttempts: number;
                                delivery: {
                                    attempts: number;
                                    lastAttemptedAt: string | null;
                                    lastDeliveredAt: string | null;
                                    lastStatusCode: number | null;
                                    /** @description HTTP_<status>, TIMEOUT, ADDRESS_NOT_ALLOWED, INVALID_URL, a network error code (ECONNREFUSED, …) or another upper-case code */
                                    lastFailureCode: string | null;
                                    lastErrorMessage: string | null;
                                    /** @description when the delivery failed for good */
                                    terminalFailureAt: string | null;
                                };
                            };
                            _meta: {
                                requestId: string;
                                /** @description ISO-8601 UTC time with milliseconds */
                                timestamp: string;
                                message?: string;
                                idempotent?: boolean;
                            };
                        };
                    };
                };
                /** @description RFC 9457 problem (application/problem+json); may carry extension members */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            instance: string;
                            requestId: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem (application/problem+json); may carry extension members */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            instance: string;
                            requestId: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/api-keys/me/audit-events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Audit events of your key, newest first */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                id: string;
                                /** @description ISO-8601 UTC time with milliseconds */
                                at: string;
                                /** @enum {string} */
                                actorType: "customer" | "operator" | "system";
                                actor: string;
                                action: string;
                                apiKeyId: string | null;
                                rotationId: string | null;
                                requestId: string | null;
                                sourceIp: string | null;
                                reason: string | null;
                                details: {
                                    [key: string]: unknown;
                                };
                            }[];
                            pagination: {
                                cursor: string | null;
                                hasMore: boolean;
                                limit: number;
                            };
                            _meta: {
                                requestId: string;
                                /** @description ISO-8601 UTC time with milliseconds */
                                timestamp: string;
                                message?: string;
                                idempotent?: boolean;
                            };
                        };
                    };
                };
                /** @description RFC 9457 problem (application/problem+json); may carry extension members */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            instance: string;
                            requestId: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem (application/problem+json); may carry extension members */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            instance: string;
                            requestId: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhook-signing-keys/{token}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The public keys that sign a key's deliveries now (JWKS); the URL is in GET …/webhook-secret as jwksUrl
         * @description No authentication. Cache-Control: public, max-age=300. Each key has kty OKP, crv Ed25519, x, kid, nbf and, for a retained key, exp (when it stops signing). Configure your receiver with this URL; never take a key or key URL from a delivery.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    token: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description RFC 7517 JSON Web Key Set: the public keys that sign this key's deliveries now */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            keys: {
                                /** @enum {string} */
                                kty: "OKP";
                                /** @enum {string} */
                                crv: "Ed25519";
                                /** @description base64url of the 32-byte public key */
                                x: string;
                                kid: string;
                                /** @enum {string} */
                                use: "sig";
                                /** @enum {string} */
                                alg: "EdDSA";
                                /** @description when the key was made (seconds since the epoch) */
                                nbf: number;
                                /** @description when a retained key stops signing (seconds since the epoch); absent for the current key */
                                exp?: number;
                            }[];
                        };
                    };
                };
                /** @description RFC 9457 problem (application/problem+json); may carry extension members */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            instance: string;
                            requestId: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem (application/problem+json); may carry extension members */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            instance: string;
                            requestId: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/api-keys/{keyId}/webhook-secret/rollback": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Roll back: current := the newest confirmed secret in its window (or the one named); the failed secret is discarded, other retained secrets keep signing */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description 1-255 characters from [A-Za-z0-9_-:.]; a replay returns the same rotation */
                    "idempotency-key"?: string;
                    /** @description RFC 7240: respond-async, or wait=<seconds> (max 30); either asks for 202 while unfinished. Without it: wait up to 25 s, then 503 ROTATION_IN_PROGRESS */
                    prefer?: string;
                };
                path: {
                    keyId: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description why; recorded in the audit trail */
                        reason: string;
                        /** @description the retained secret to act on, by version; default: rollback restores the newest confirmed one in its window, expire-previous expires them all */
                        secretVersion?: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            rotation: {
                                /** Format: uuid */
                                id: string;
                                /**
                                 * @description scheduled: run by the key's rotation schedule, like a customer rotation
                                 * @enum {string}
                                 */
                                kind: "customer" | "operator_recover" | "operator_rollback" | "operator_expire_previous" | "scheduled";
                                /** @enum {string} */
                                status: "queued" | "processing" | "succeeded" | "rejected" | "failed";
                                idempotencyKey: string | null;
                                /** @description ISO-8601 UTC time with milliseconds */
                                requestedAt: string;
                                completedAt: string | null;
                                rotatedAt: string | null;
                                previousRetainedUntil: string | null;
                                /** @description the key's secret version once this rotation succeeded (its new secret's, as in signingSecrets); null before */
                                secretVersion: number | null;
                                /** @description whether the service still holds the new secret for you to fetch */
                                secretHeld: boolean;
                                /** @description when a response carrying the secret was first completely written (or the rotation acknowledged): possibly delivered, as a written answer can still be lost; null: never delivered, and the next customer rotation discards it */
                                secretFirstDeliveredAt: string | null;
                                /** @description when the requester acknowledged the secret: confirmed; a rollback prefers confirmed secrets */
                                secretConfirmedAt: string | null;
                                secretAvailableUntil: string | null;
                                secretErasedAt: string | null;
                                secretErasedReason: ("acknowledged" | "redelivery_grace_elapsed" | "hold_expired" | "superseded_undelivered" | "key_revoked") | null;
                                error: {
                                    code: string;
                                    title: string;
                                    detail: string;
                                    retryAfter: number | null;
                                } | null;
                                /** @description the new secret, only while held */
                                secret: string | null;
                                /** @description the key pair this rotation made (its public key), when the key signs with v1a */
                                signingKey?: {
                                    keyVersion: number;
                                    /** @description RFC 7638 thumbprint of the key; the kid of its JWK */
                                    kid: string;
                                    /** @description whpk_ + base64 of the 32-byte ed25519 public key; not a secret */
                                    publicKey: string;
                                    current: boolean;
                                    /** @description ISO-8601 UTC time with milliseconds */
                                    createdAt: string;
                                    /** @description when it stops signing; null for the current key pair */
                                    retainedUntil: string | null;
                                };
                            };
                            data: {
                                /** Format: uuid */
                                id: string;
                                /**
                                 * @description scheduled: run by the key's rotation schedule, like a customer rotation
                                 * @enum {string}
                                 */
                                kind: "customer" | "operator_recover" | "operator_rollback" | "operator_expire_previous" | "scheduled";
                                /** @enum {string} */
                                status: "queued" | "processing" | "succeeded" | "rejected" | "failed";
                                idempotencyKey: string | null;
                                /** @description ISO-8601 UTC time with milliseconds */
                                requestedAt: string;
                                completedAt: string | null;
                                rotatedAt: string | null;
                                previousRetainedUntil: string | null;
                                /** @description the key's secret version once this rotation succeeded (its new secret's, as in signingSecrets); null before */
                                secretVersion: number | null;
                                /** @description whether the service still holds the new secret for you to fetch */
                                secretHeld: boolean;
                                /** @description when a response carrying the secret was first completely written (or the rotation acknowledged): possibly delivered, as a written answer can still be lost; null: never delivered, and the next customer rotation discards it */
                                secretFirstDeliveredAt: string | null;
                                /** @description when the requester acknowledged the secret: confirmed; a rollback prefers confirmed secrets */
                                secretConfirmedAt: string | null;
                                secretAvailableUntil: string | null;
                                secretErasedAt: string | null;
                                secretErasedReason: ("acknowledged" | "redelivery_grace_elapsed" | "hold_expired" | "superseded_undelivered" | "key_revoked") | null;
                                error: {
                                    code: string;
                                    title: string;
                                    detail: string;
                                    retryAfter: number | null;
                                } | null;
                                /** @description the new secret, only while held */
                                secret: string | null;
                                /** @description the key pair this rotation made (its public key), when the key signs with v1a */
                                signingKey?: {
                                    keyVersion: number;
                                    /** @description RFC 7638 thumbprint of the key; the kid of its JWK */
                                    kid: string;
                                    /** @description whpk_ + base64 of the 32-byte ed25519 public key; not a secret */
                                    publicKey: string;
                                    current: boolean;
                                    /** @description ISO-8601 UTC time with milliseconds */
                                    createdAt: string;
                                    /** @description when it stops signing; null for the current key pair */
                                    retainedUntil: string | null;
                                };
                            };
                            _meta: {
                                requestId: string;
                                /** @description ISO-8601 UTC time with milliseconds */
                                timestamp: string;
                                message?: string;
                                idempotent?: boolean;
                            };
                        };
                    };
                };
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            rotation: {
                                /** Format: uuid */
                                id: string;
                                /**
                                 * @description scheduled: run by the key's rotation schedule, like a customer rotation
                                 * @enum {string}
                                 */
                                kind: "customer" | "operator_recover" | "operator_rollback" | "operator_expire_previous" | "scheduled";
                                /** @enum {string} */
                                status: "queued" | "processing" | "succeeded" | "rejected" | "failed";
                                idempotencyKey: string | null;
                                /** @description ISO-8601 UTC time with milliseconds */
                                requestedAt: string;
                                completedAt: string | null;
                                rotatedAt: string | null;
                                previousRetainedUntil: string | null;
                                /** @description the key's secret version once this rotation succeeded (its new secret's, as in signingSecrets); null before */
                                secretVersion: number | null;
                                /** @description whether the service still holds the new secret for you to fetch */
                                secretHeld: boolean;
                                /** @description when a response carrying the secret was first completely written (or the rotation acknowledged): possibly delivered, as a written answer can still be lost; null: never delivered, and the next customer rotation discards it */
                                secretFirstDeliveredAt: string | null;
                                /** @description when the requester acknowledged the secret: confirmed; a rollback prefers confirmed secrets */
                                secretConfirmedAt: string | null;
                                secretAvailableUntil: string | null;
                                secretErasedAt: string | null;
                                secretErasedReason: ("acknowledged" | "redelivery_grace_elapsed" | "hold_expired" | "superseded_undelivered" | "key_revoked") | null;
                                error: {
                                    code: string;
                                    title: string;
                                    detail: string;
                                    retryAfter: number | null;
                                } | null;
                                /** @description the new secret, only while held */
                                secret: string | null;
                                /** @description the key pair this rotation made (its public key), when the key signs with v1a */
                                signingKey?: {
                                    keyVersion: number;
                                    /** @description RFC 7638 thumbprint of the key; the kid of its JWK */
                                    kid: string;
                                    /** @description whpk_ + base64 of the 32-byte ed25519 public key; not a secret */
                                    publicKey: string;
                                    current: boolean;
                                    /** @description ISO-8601 UTC time with milliseconds */
                                    createdAt: string;
                                    /** @description when it stops signing; null for the current key pair */
                                    retainedUntil: string | null;
                                };
                            };
                            data: {
                                /** Format: uuid */
                                id: string;
                                /**
                                 * @description scheduled: run by the key's rotation schedule, like a customer rotation
                                 * @enum {string}
                                 */
                                kind: "customer" | "operator_recover" | "operator_rollback" | "operator_expire_previous" | "scheduled";
                                /** @enum {string} */
                                status: "queued" | "processing" | "succeeded" | "rejected" | "failed";
                                idempotencyKey: string | null;
                                /** @description ISO-8601 UTC time with milliseconds */
                                requestedAt: string;
                                completedAt: string | null;
                                rotatedAt: string | null;
                                previousRetainedUntil: string | null;
                                /** @description the key's secret version once this rotation succeeded (its new secret's, as in signingSecrets); null before */
                                secretVersion: number | null;
                                /** @description whether the service still holds the new secret for you to fetch */
                                secretHeld: boolean;
                                /** @description when a response carrying the secret was first completely written (or the rotation acknowledged): possibly delivered, as a written answer can still be lost; null: never delivered, and the next customer rotation discards it */
                                secretFirstDeliveredAt: string | null;
                                /** @description when the requester acknowledged the secret: confirmed; a rollback prefers confirmed secrets */
                                secretConfirmedAt: string | null;
                                secretAvailableUntil: string | null;
                                secretErasedAt: string | null;
                                secretErasedReason: ("acknowledged" | "redelivery_grace_elapsed" | "hold_expired" | "superseded_undelivered" | "key_revoked") | null;
                                error: {
                                    code: string;
                                    title: string;
                                    detail: string;
                                    retryAfter: number | null;
                                } | null;
                                /** @description the new secret, only while held */
                                secret: string | null;
                                /** @description the key pair this rotation made (its public key), when the key signs with v1a */
                                signingKey?: {
                                    keyVersion: number;
                                    /** @description RFC 7638 thumbprint of the key; the kid of its JWK */
                                    kid: string;
                                    /** @description whpk_ + base64 of the 32-byte ed25519 public key; not a secret */
                                    publicKey: string;
                                    current: boolean;
                                    /** @description ISO-8601 UTC time with milliseconds */
                                    createdAt: string;
                                    /** @description when it stops signing; null for the current key pair */
                                    retainedUntil: string | null;
                                };
                            };
                            _meta: {
                                requestId: string;
                                /** @description ISO-8601 UTC time with milliseconds */
                                timestamp: string;
                                message?: string;
                                idempotent?: boolean;
                            };
                        };
                    };
                };
                /** @description RFC 9457 problem (application/problem+json); may carry extension members */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            instance: string;
                            requestId: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem (application/problem+json); may carry extension members */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            instance: string;
                            requestId: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/api-keys/{keyId}/webhook-secret/recover": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Recovery rotation: a fresh current, the retained secrets kept (the rollback target's window restarted); not blocked by the cooldown */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description 1-255 characters from [A-Za-z0-9_-:.]; a replay returns the same rotation */
                    "idempotency-key"?: string;
                    /** @description RFC 7240: respond-async, or wait=<seconds> (max 30); either asks for 202 while unfinished. Without it: wait up to 25 s, then 503 ROTATION_IN_PROGRESS */
                    prefer?: string;
                };
                path: {
                    keyId: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description why; recorded in the audit trail */
                        reason: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            rotation: {
                                /** Format: uuid */
                                id: string;
                                /**
                                 * @description scheduled: run by the key's rotation schedule, like a customer rotation
                                 * @enum {string}
                                 */
                                kind: "customer" | "operator_recover" | "operator_rollback" | "operator_expire_previous" | "scheduled";
                                /** @enum {string} */
                                status: "queued" | "processing" | "succeeded" | "rejected" | "failed";
                                idempotencyKey: string | null;
                                /** @description ISO-8601 UTC time with milliseconds */
                                requestedAt: string;
                                completedAt: string | null;
                                rotatedAt: string | null;
                                previousRetainedUntil: string | null;
                                /** @description the key's secret version once this rotation succeeded (its new secret's, as in signingSecrets); null before */
                                secretVersion: number | null;
                                /** @description whether the service still holds the new secret for you to fetch */
                                secretHeld: boolean;
                                /** @description when a response carrying the secret was first completely written (or the rotation acknowledged): possibly delivered, as a written answer can still be lost; null: never delivered, and the next customer rotation discards it */
                                secretFirstDeliveredAt: string | null;
                                /** @description when the requester acknowledged the secret: confirmed; a rollback prefers confirmed secrets */
                                secretConfirmedAt: string | null;
                                secretAvailableUntil: string | null;
                                secretErasedAt: string | null;
                                secretErasedReason: ("acknowledged" | "redelivery_grace_elapsed" | "hold_expired" | "superseded_undelivered" | "key_revoked") | null;
                                error: {
                                    code: string;
                                    title: string;
                                    detail: string;
                                    retryAfter: number | null;
                                } | null;
                                /** @description the new secret, only while held */
                                secret: string | null;
                                /** @description the key pair this rotation made (its public key), when the key signs with v1a */
                                signingKey?: {
                                    keyVersion: number;
                                    /** @description RFC 7638 thumbprint of the key; the kid of its JWK */
                                    kid: string;
                                    /** @description whpk_ + base64 of the 32-byte ed25519 public key; not a secret */
                                    publicKey: string;
                                    current: boolean;
                                    /** @description ISO-8601 UTC time with milliseconds */
                                    createdAt: string;
                                    /** @description when it stops signing; null for the current key pair */
                                    retainedUntil: string | null;
                                };
                            };
                            data: {
                                /** Format: uuid */
                                id: string;
                                /**
                                 * @description scheduled: run by the key's rotation schedule, like a customer rotation
                                 * @enum {string}
                                 */
                                kind: "customer" | "operator_recover" | "operator_rollback" | "operator_expire_previous" | "scheduled";
                                /** @enum {string} */
                                status: "queued" | "processing" | "succeeded" | "rejected" | "failed";
                                idempotencyKey: string | null;
                                /** @description ISO-8601 UTC time with milliseconds */
                                requestedAt: string;
                                completedAt: string | null;
                                rotatedAt: string | null;
                                previousRetainedUntil: string | null;
                                /** @description the key's secret version once this rotation succeeded (its new secret's, as in signingSecrets); null before */
                                secretVersion: number | null;
                                /** @description whether the service still holds the new secret for you to fetch */
                                secretHeld: boolean;
                                /** @description when a response carrying the secret was first completely written (or the rotation acknowledged): possibly delivered, as a written answer can still be lost; null: never delivered, and the next customer rotation discards it */
                                secretFirstDeliveredAt: string | null;
                                /** @description when the requester acknowledged the secret: confirmed; a rollback prefers confirmed secrets */
                                secretConfirmedAt: string | null;
                                secretAvailableUntil: string | null;
                                secretErasedAt: string | null;
                                secretErasedReason: ("acknowledged" | "redelivery_grace_elapsed" | "hold_expired" | "superseded_undelivered" | "key_revoked") | null;
                                error: {
                                    code: string;
                                    title: string;
                                    detail: string;
                                    retryAfter: number | null;
                                } | null;
                                /** @description the new secret, only while held */
                                secret: string | null;
                                /** @description the key pair this rotation made (its public key), when the key signs with v1a */
                                signingKey?: {
                                    keyVersion: number;
                                    /** @description RFC 7638 thumbprint of the key; the kid of its JWK */
                                    kid: string;
                                    /** @description whpk_ + base64 of the 32-byte ed25519 public key; not a secret */
                                    publicKey: string;
                                    current: boolean;
                                    /** @description ISO-8601 UTC time with milliseconds */
                                    createdAt: string;
                                    /** @description when it stops signing; null for the current key pair */
                                    retainedUntil: string | null;
                                };
                            };
                            _meta: {
                                requestId: string;
                                /** @description ISO-8601 UTC time with milliseconds */
                                timestamp: string;
                                message?: string;
                                idempotent?: boolean;
                            };
                        };
                    };
                };
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            rotation: {
                                /** Format: uuid */
                                id: string;
                                /**
                                 * @description scheduled: run by the key's rotation schedule, like a customer rotation
                                 * @enum {string}
                                 */
                                kind: "customer" | "operator_recover" | "operator_rollback" | "operator_expire_previous" | "scheduled";
                                /** @enum {string} */
                                status: "queued" | "processing" | "succeeded" | "rejected" | "failed";
                                idempotencyKey: string | null;
                                /** @description ISO-8601 UTC time with milliseconds */
                                requestedAt: string;
                                completedAt: string | null;
                                rotatedAt: string | null;
                                previousRetainedUntil: string | null;
                                /** @description the key's secret version once this rotation succeeded (its new secret's, as in signingSecrets); null before */
                                secretVersion: number | null;
                                /** @description whether the service still holds the new secret for you to fetch */
                                secretHeld: boolean;
                                /** @description when a response carrying the secret was first completely written (or the rotation acknowledged): possibly delivered, as a written answer can still be lost; null: never delivered, and the next customer rotation discards it */
                                secretFirstDeliveredAt: string | null;
                                /** @description when the requester acknowledged the secret: confirmed; a rollback prefers confirmed secrets */
                                secretConfirmedAt: string | null;
                                secretAvailableUntil: string | null;
                                secretErasedAt: string | null;
                                secretErasedReason: ("acknowledged" | "redelivery_grace_elapsed" | "hold_expired" | "superseded_undelivered" | "key_revoked") | null;
                                error: {
                                    code: string;
                                    title: string;
                                    detail: string;
                                    retryAfter: number | null;
                                } | null;
                                /** @description the new secret, only while held */
                                secret: string | null;
                                /** @description the key pair this rotation made (its public key), when the key signs with v1a */
                                signingKey?: {
                                    keyVersion: number;
                                    /** @description RFC 7638 thumbprint of the key; the kid of its JWK */
                                    kid: string;
                                    /** @description whpk_ + base64 of the 32-byte ed25519 public key; not a secret */
                                    publicKey: string;
                                    current: boolean;
                                    /** @description ISO-8601 UTC time with milliseconds */
                                    createdAt: string;
                                    /** @description when it stops signing; null for the current key pair */
                                    retainedUntil: string | null;
                                };
                            };
                            data: {
                                /** Format: uuid */
                                id: string;
                                /**
                                 * @description scheduled: run by the key's rotation schedule, like a customer rotation
                                 * @enum {string}
                                 */
                                kind: "customer" | "operator_recover" | "operator_rollback" | "operator_expire_previous" | "scheduled";
                                /** @enum {string} */
                                status: "queued" | "processing" | "succeeded" | "rejected" | "failed";
                                idempotencyKey: string | null;
                                /** @description ISO-8601 UTC time with milliseconds */
                                requestedAt: string;
                                completedAt: string | null;
                                rotatedAt: string | null;
                                previousRetainedUntil: string | null;
                                /** @description the key's secret version once this rotation succeeded (its new secret's, as in signingSecrets); null before */
                                secretVersion: number | null;
                                /** @description whether the service still holds the new secret for you to fetch */
                                secretHeld: boolean;
                                /** @description when a response carrying the secret was first completely written (or the rotation acknowledged): possibly delivered, as a written answer can still be lost; null: never delivered, and the next customer rotation discards it */
                                secretFirstDeliveredAt: string | null;
                                /** @description when the requester acknowledged the secret: confirmed; a rollback prefers confirmed secrets */
                                secretConfirmedAt: string | null;
                                secretAvailableUntil: string | null;
                                secretErasedAt: string | null;
                                secretErasedReason: ("acknowledged" | "redelivery_grace_elapsed" | "hold_expired" | "superseded_undelivered" | "key_revoked") | null;
                                error: {
                                    code: string;
                                    title: string;
                                    detail: string;
                                    retryAfter: number | null;
                                } | null;
                                /** @description the new secret, only while held */
                                secret: string | null;
                                /** @description the key pair this rotation made (its public key), when the key signs with v1a */
                                signingKey?: {
                                    keyVersion: number;
                                    /** @description RFC 7638 thumbprint of the key; the kid of its JWK */
                                    kid: string;
                                    /** @description whpk_ + base64 of the 32-byte ed25519 public key; not a secret */
                                    publicKey: string;
                                    current: boolean;
                                    /** @description ISO-8601 UTC time with milliseconds */
                                    createdAt: string;
                                    /** @description when it stops signing; null for the current key pair */
                                    retainedUntil: string | null;
                                };
                            };
                            _meta: {
                                requestId: string;
                                /** @description ISO-8601 UTC time with milliseconds */
                                timestamp: string;
                                message?: string;
                                idempotent?: boolean;
                            };
                        };
                    };
                };
                /** @description RFC 9457 problem (application/problem+json); may carry extension members */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            instance: string;
                            requestId: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem (application/problem+json); may carry extension members */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            instance: string;
                            requestId: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/api-keys/{keyId}/webhook-secret/expire-previous": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Expire every retained secret now (or the one named): it leaked; only the current secret signs */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description 1-255 characters from [A-Za-z0-9_-:.]; a replay returns the same rotation */
                    "idempotency-key"?: string;
                    /** @description RFC 7240: respond-async, or wait=<seconds> (max 30); either asks for 202 while unfinished. Without it: wait up to 25 s, then 503 ROTATION_IN_PROGRESS */
                    prefer?: string;
                };
                path: {
                    keyId: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description why; recorded in the audit trail */
                        reason: string;
                        /** @description the retained secret to act on, by version; default: rollback restores the newest confirmed one in its window, expire-previous expires them all */
                        secretVersion?: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            rotation: {
                                /** Format: uuid */
                                id: string;
                                /**
                                 * @description scheduled: run by the key's rotation schedule, like a customer rotation
                                 * @enum {string}
                                 */
                                kind: "customer" | "operator_recover" | "operator_rollback" | "operator_expire_previous" | "scheduled";
                                /** @enum {string} */
                                status: "queued" | "processing" | "succeeded" | "rejected" | "failed";
                                idempotencyKey: string | null;
                                /** @description ISO-8601 UTC time with milliseconds */
                                requestedAt: string;
                                completedAt: string | null;
                                rotatedAt: string | null;
                                previousRetainedUntil: string | null;
                                /** @description the key's secret version once this rotation succeeded (its new secret's, as in signingSecrets); null before */
                                secretVersion: number | null;
                                /** @description whether the service still holds the new secret for you to fetch */
                                secretHeld: boolean;
                                /** @description when a response carrying the secret was first completely written (or the rotation acknowledged): possibly delivered, as a written answer can still be lost; null: never delivered, and the next customer rotation discards it */
                                secretFirstDeliveredAt: string | null;
                                /** @description when the requester acknowledged the secret: confirmed; a rollback prefers confirmed secrets */
                                secretConfirmedAt: string | null;
                                secretAvailableUntil: string | null;
                                secretErasedAt: string | null;
                                secretErasedReason: ("acknowledged" | "redelivery_grace_elapsed" | "hold_expired" | "superseded_undelivered" | "key_revoked") | null;
                                error: {
                                    code: string;
                                    title: string;
                                    detail: string;
                                    retryAfter: number | null;
                                } | null;
                                /** @description the new secret, only while held */
                                secret: string | null;
                                /** @description the key pair this rotation made (its public key), when the key signs with v1a */
                                signingKey?: {
                                    keyVersion: number;
                                    /** @description RFC 7638 thumbprint of the key; the kid of its JWK */
                                    kid: string;
                                    /** @description whpk_ + base64 of the 32-byte ed25519 public key; not a secret */
                                    publicKey: string;
                                    current: boolean;
                                    /** @description ISO-8601 UTC time with milliseconds */
                                    createdAt: string;
                                    /** @description when it stops signing; null for the current key pair */
                                    retainedUntil: string | null;
                                };
                            };
                            data: {
                                /** Format: uuid */
                                id: string;
                                /**
                                 * @description scheduled: run by the key's rotation schedule, like a customer rotation
                                 * @enum {string}
                                 */
                                kind: "customer" | "operator_recover" | "operator_rollback" | "operator_expire_previous" | "scheduled";
                                /** @enum {string} */
                                status: "queued" | "processing" | "succeeded" | "rejected" | "failed";
                                idempotencyKey: string | null;
                                /** @description ISO-8601 UTC time with milliseconds */
                                requestedAt: string;
                                completedAt: string | null;
                                rotatedAt: string | null;
                                previousRetainedUntil: string | null;
                                /** @description the key's secret version once this rotation succeeded (its new secret's, as in signingSecrets); null before */
                                secretVersion: number | null;
                                /** @description whether the service still holds the new secret for you to fetch */
                                secretHeld: boolean;
                                /** @description when a response carrying the secret was first completely written (or the rotation acknowledged): possibly delivered, as a written answer can still be lost; null: never delivered, and the next customer rotation discards it */
                                secretFirstDeliveredAt: string | null;
                                /** @description when the requester acknowledged the secret: confirmed; a rollback prefers confirmed secrets */
                                secretConfirmedAt: string | null;
                                secretAvailableUntil: string | null;
                                secretErasedAt: string | null;
                                secretErasedReason: ("acknowledged" | "redelivery_grace_elapsed" | "hold_expired" | "superseded_undelivered" | "key_revoked") | null;
                                error: {
                                    code: string;
                                    title: string;
                                    detail: string;
                                    retryAfter: number | null;
                                } | null;
                                /** @description the new secret, only while held */
                                secret: string | null;
                                /** @description the key pair this rotation made (its public key), when the key signs with v1a */
                                signingKey?: {
                                    keyVersion: number;
                                    /** @description RFC 7638 thumbprint of the key; the kid of its JWK */
                                    kid: string;
                                    /** @description whpk_ + base64 of the 32-byte ed25519 public key; not a secret */
                                    publicKey: string;
                                    current: boolean;
                                    /** @description ISO-8601 UTC time with milliseconds */
                                    createdAt: string;
                                    /** @description when it stops signing; null for the current key pair */
                                    retainedUntil: string | null;
                                };
                            };
                            _meta: {
                                requestId: string;
                                /** @description ISO-8601 UTC time with milliseconds */
                                timestamp: string;
                                message?: string;
                                idempotent?: boolean;
                            };
                        };
                    };
                };
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            rotation: {
                                /** Format: uuid */
                                id: string;
                                /**
                                 * @description scheduled: run by the key's rotation schedule, like a customer rotation
                                 * @enum {string}
                                 */
                                kind: "customer" | "operator_recover" | "operator_rollback" | "operator_expire_previous" | "scheduled";
                                /** @enum {string} */
                                status: "queued" | "processing" | "succeeded" | "rejected" | "failed";
                                idempotencyKey: string | null;
                                /** @description ISO-8601 UTC time with milliseconds */
                                requestedAt: string;
                                completedAt: string | null;
                                rotatedAt: string | null;
                                previousRetainedUntil: string | null;
                                /** @description the key's secret version once this rotation succeeded (its new secret's, as in signingSecrets); null before */
                                secretVersion: number | null;
                                /** @description whether the service still holds the new secret for you to fetch */
                                secretHeld: boolean;
                                /** @description when a response carrying the secret was first completely written (or the rotation acknowledged): possibly delivered, as a written answer can still be lost; null: never delivered, and the next customer rotation discards it */
                                secretFirstDeliveredAt: string | null;
                                /** @description when the requester acknowledged the secret: confirmed; a rollback prefers confirmed secrets */
                                secretConfirmedAt: string | null;
                                secretAvailableUntil: string | null;
                                secretErasedAt: string | null;
                                secretErasedReason: ("acknowledged" | "redelivery_grace_elapsed" | "hold_expired" | "superseded_undelivered" | "key_revoked") | null;
                                error: {
                                    code: string;
                                    title: string;
                                    detail: string;
                                    retryAfter: number | null;
                                } | null;
                                /** @description the new secret, only while held */
                                secret: string | null;
                                /** @description the key pair this rotation made (its public key), when the key signs with v1a */
                                signingKey?: {
                                    keyVersion: number;
                                    /** @description RFC 7638 thumbprint of the key; the kid of its JWK */
                                    kid: string;
                                    /** @description whpk_ + base64 of the 32-byte ed25519 public key; not a secret */
                                    publicKey: string;
                                    current: boolean;
                                    /** @description ISO-8601 UTC time with milliseconds */
                                    createdAt: string;
                                    /** @description when it stops signing; null for the current key pair */
                                    retainedUntil: string | null;
                                };
                            };
                            data: {
                                /** Format: uuid */
                                id: string;
                                /**
                                 * @description scheduled: run by the key's rotation schedule, like a customer rotation
                                 * @enum {string}
                                 */
                                kind: "customer" | "operator_recover" | "operator_rollback" | "operator_expire_previous" | "scheduled";
                                /** @enum {string} */
                                status: "queued" | "processing" | "succeeded" | "rejected" | "failed";
                                idempotencyKey: string | null;
                                /** @description ISO-8601 UTC time with milliseconds */
                                requestedAt: string;
                                completedAt: string | null;
                                rotatedAt: string | null;
                                previousRetainedUntil: string | null;
                                /** @description the key's secret version once this rotation succeeded (its new secret's, as in signingSecrets); null before */
                                secretVersion: number | null;
                                /** @description whether the service still holds the new secret for you to fetch */
                                secretHeld: boolean;
                                /** @description when a response carrying the secret was first completely written (or the rotation acknowledged): possibly delivered, as a written answer can still be lost; null: never delivered, and the next customer rotation discards it */
                                secretFirstDeliveredAt: string | null;
                                /** @description when the requester acknowledged the secret: confirmed; a rollback prefers confirmed secrets */
                                secretConfirmedAt: string | null;
                                secretAvailableUntil: string | null;
                                secretErasedAt: string | null;
                                secretErasedReason: ("acknowledged" | "redelivery_grace_elapsed" | "hold_expired" | "superseded_undelivered" | "key_revoked") | null;
                                error: {
                                    code: string;
                                    title: string;
                                    detail: string;
                                    retryAfter: number | null;
                                } | null;
                                /** @description the new secret, only while held */
                                secret: string | null;
                                /** @description the key pair this rotation made (its public key), when the key signs with v1a */
                                signingKey?: {
                                    keyVersion: number;
                                    /** @description RFC 7638 thumbprint of the key; the kid of its JWK */
                                    kid: string;
                                    /** @description whpk_ + base64 of the 32-byte ed25519 public key; not a secret */
                                    publicKey: string;
                                    current: boolean;
                                    /** @description ISO-8601 UTC time with milliseconds */
                                    createdAt: string;
                                    /** @description when it stops signing; null for the current key pair */
                                    retainedUntil: string | null;
                                };
                            };
                            _meta: {
                                requestId: string;
                                /** @description ISO-8601 UTC time with milliseconds */
                                timestamp: string;
                                message?: string;
                                idempotent?: boolean;
                            };
                        };
                    };
                };
                /** @description RFC 9457 problem (application/problem+json); may carry extension members */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            instance: string;
                            requestId: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem (application/problem+json); may carry extension members */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            instance: string;
                            requestId: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/api-keys/{keyId}/webhook-secret/scheme": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Switch a key's signing scheme (symmetric, asymmetric or both); audited with the reason. Answers the public keys, never a private key */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    keyId: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description why; recorded in the audit trail */
                        reason: string;
                        /**
                         * @description symmetric: whsec_ secrets sign (HMAC, v1 and X-Kash-Signature; the default); asymmetric: ed25519 key pairs sign (Standard Webhooks v1a); both: while a receiver migrates
                         * @enum {string}
                         */
                        scheme: "symmetric" | "asymmetric" | "both";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            signingScheme: {
                                /**
                                 * @description symmetric: whsec_ secrets sign (HMAC, v1 and X-Kash-Signature; the default); asymmetric: ed25519 key pairs sign (Standard Webhooks v1a); both: while a receiver migrates
                                 * @enum {string}
                                 */
                                signingScheme: "symmetric" | "asymmetric" | "both";
                                jwksUrl: string | null;
                                publicKeys: {
                                    keyVersion: number;
                                    /** @description RFC 7638 thumbprint of the key; the kid of its JWK */
                                    kid: string;
                                    /** @description whpk_ + base64 of the 32-byte ed25519 public key; not a secret */
                                    publicKey: string;
                                    current: boolean;
                                    /** @description ISO-8601 UTC time with milliseconds */
                                    createdAt: string;
                                    /** @description when it stops signing; null for the current key pair */
                                    retainedUntil: string | null;
                                }[];
                            };
                            data: {
                                /**
                                 * @description symmetric: whsec_ secrets sign (HMAC, v1 and X-Kash-Signature; the default); asymmetric: ed25519 key pairs sign (Standard Webhooks v1a); both: while a receiver migrates
                                 * @enum {string}
                                 */
                                signingScheme: "symmetric" | "asymmetric" | "both";
                                jwksUrl: string | null;
                                publicKeys: {
                                    keyVersion: number;
                                    /** @description RFC 7638 thumbprint of the key; the kid of its JWK */
                                    kid: string;
                                    /** @description whpk_ + base64 of the 32-byte ed25519 public key; not a secret */
                                    publicKey: string;
                                    current: boolean;
                                    /** @description ISO-8601 UTC time with milliseconds */
                                    createdAt: string;
                                    /** @description when it stops signing; null for the current key pair */
                                    retainedUntil: string | null;
                                }[];
                            };
                            _meta: {
                                requestId: string;
                                /** @description ISO-8601 UTC time with milliseconds */
                                timestamp: string;
                                message?: string;
                                idempotent?: boolean;
                            };
                        };
                    };
                };
                /** @description RFC 9457 problem (application/problem+json); may carry extension members */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            instance: string;
                            requestId: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem (application/problem+json); may carry extension members */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            instance: string;
                            requestId: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/api-keys/{keyId}/webhook-secret/schedule": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Set (everyDays 1-365) or remove (null) a key's rotation schedule; audited with the reason. Scheduled rotations run by the customer rotation's rule and cooldown */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    keyId: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description why; recorded in the audit trail */
                        reason: string;
                        /** @description 1 to 365; null removes the schedule */
                        everyDays: number | null;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            rotationSchedule: {
                                /** @description rotate every this many days; null: no schedule */
                                everyDays: number | null;
                                /** @description when the schedule was set; the count starts at the later of this and the last rotation */
                                setAt: string | null;
                                /** @description when the key is next due: its secret (or key pair) is everyDays old; the scheduler rotates it within a minute of this. Any rotation before then restarts the count */
                                nextRotationAt: string | null;
                                setBy: string | null;
                            };
                            data: {
                                /** @description rotate every this many days; null: no schedule */
                                everyDays: number | null;
                                /** @description when the schedule was set; the count starts at the later of this and the last rotation */
                                setAt: string | null;
                                /** @description when the key is next due: its secret (or key pair) is everyDays old; the scheduler rotates it within a minute of this. Any rotation before then restarts the count */
                                nextRotationAt: string | null;
                                setBy: string | null;
                            };
                            _meta: {
                                requestId: string;
                                /** @description ISO-8601 UTC time with milliseconds */
                                timestamp: string;
                                message?: string;
                                idempotent?: boolean;
                            };
                        };
                    };
                };
                /** @description RFC 9457 problem (application/problem+json); may carry extension members */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            instance: string;
                            requestId: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem (application/problem+json); may carry extension members */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            instance: string;
                            requestId: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/rotations/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** An operator action or rotation; a recovery carries its new secret while held */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            rotation: {
                                /** Format: uuid */
                                id: string;
                                /**
                                 * @description scheduled: run by the key's rotation schedule, like a customer rotation
                                 * @enum {string}
                                 */
                                kind: "customer" | "operator_recover" | "operator_rollback" | "operator_expire_previous" | "scheduled";
                                /** @enum {string} */
                                status: "queued" | "processing" | "succeeded" | "rejected" | "failed";
                                idempotencyKey: string | null;
                                /** @description ISO-8601 UTC time with milliseconds */
                                requestedAt: string;
                                completedAt: string | null;
                                rotatedAt: string | null;
                                previousRetainedUntil: string | null;
                                /** @description the key's secret version once this rotation succeeded (its new secret's, as in signingSecrets); null before */
                                secretVersion: number | null;
                                /** @description whether the service still holds the new secret for you to fetch */
                                secretHeld: boolean;
                                /** @description when a response carrying the secret was first completely written (or the rotation acknowledged): possibly delivered, as a written answer can still be lost; null: never delivered, and the next customer rotation discards it */
                                secretFirstDeliveredAt: string | null;
                                /** @description when the requester acknowledged the secret: confirmed; a rollback prefers confirmed secrets */
                                secretConfirmedAt: string | null;
                                secretAvailableUntil: string | null;
                                secretErasedAt: string | null;
                                secretErasedReason: ("acknowledged" | "redelivery_grace_elapsed" | "hold_expired" | "superseded_undelivered" | "key_revoked") | null;
                                error: {
                                    code: string;
                                    title: string;
                                    detail: string;
                                    retryAfter: number | null;
                                } | null;
                                /** @description the new secret, only while held */
                                secret: string | null;
                                /** @description the key pair this rotation made (its public key), when the key signs with v1a */
                                signingKey?: {
                                    keyVersion: number;
                                    /** @description RFC 7638 thumbprint of the key; the kid of its JWK */
                                    kid: string;
                                    /** @description whpk_ + base64 of the 32-byte ed25519 public key; not a secret */
                                    publicKey: string;
                                    current: boolean;
                                    /** @description ISO-8601 UTC time with milliseconds */
                                    createdAt: string;
                                    /** @description when it stops signing; null for the current key pair */
                                    retainedUntil: string | null;
                                };
                            };
                            data: {
                                /** Format: uuid */
                                id: string;
                                /**
                                 * @description scheduled: run by the key's rotation schedule, like a customer rotation
                                 * @enum {string}
                                 */
                                kind: "customer" | "operator_recover" | "operator_rollback" | "operator_expire_previous" | "scheduled";
                                /** @enum {string} */
                                status: "queued" | "processing" | "succeeded" | "rejected" | "failed";
                                idempotencyKey: string | null;
                                /** @description ISO-8601 UTC time with milliseconds */
                                requestedAt: string;
                                completedAt: string | null;
                                rotatedAt: string | null;
                                previousRetainedUntil: string | null;
                                /** @description the key's secret version once this rotation succeeded (its new secret's, as in signingSecrets); null before */
                                secretVersion: number | null;
                                /** @description whether the service still holds the new secret for you to fetch */
                                secretHeld: boolean;
                                /** @description when a response carrying the secret was first completely written (or the rotation acknowledged): possibly delivered, as a written answer can still be lost; null: never delivered, and the next customer rotation discards it */
                                secretFirstDeliveredAt: string | null;
                                /** @description when the requester acknowledged the secret: confirmed; a rollback prefers confirmed secrets */
                                secretConfirmedAt: string | null;
                                secretAvailableUntil: string | null;
                                secretErasedAt: string | null;
                                secretErasedReason: ("acknowledged" | "redelivery_grace_elapsed" | "hold_expired" | "superseded_undelivered" | "key_revoked") | null;
                                error: {
                                    code: string;
                                    title: string;
                                    detail: string;
                                    retryAfter: number | null;
                                } | null;
                                /** @description the new secret, only while held */
                                secret: string | null;
                                /** @description the key pair this rotation made (its public key), when the key signs with v1a */
                                signingKey?: {
                                    keyVersion: number;
                                    /** @description RFC 7638 thumbprint of the key; the kid of its JWK */
                                    kid: string;
                                    /** @description whpk_ + base64 of the 32-byte ed25519 public key; not a secret */
                                    publicKey: string;
                                    current: boolean;
                                    /** @description ISO-8601 UTC time with milliseconds */
                                    createdAt: string;
                                    /** @description when it stops signing; null for the current key pair */
                                    retainedUntil: string | null;
                                };
                            };
                            _meta: {
                                requestId: string;
                                /** @description ISO-8601 UTC time with milliseconds */
                                timestamp: string;
                                message?: string;
                                idempotent?: boolean;
                            };
                        };
                    };
                };
                /** @description RFC 9457 problem (application/problem+json); may carry extension members */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            instance: string;
                            requestId: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem (application/problem+json); may carry extension members */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            instance: string;
                            requestId: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/rotations/{id}/acknowledge": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** The recovered secret was handed over: erase the held copy */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            rotation: {
                                /** Format: uuid */
                                id: string;
                                /**
                                 * @description scheduled: run by the key's rotation schedule, like a customer rotation
                                 * @enum {string}
                                 */
                                kind: "customer" | "operator_recover" | "operator_rollback" | "operator_expire_previous" | "scheduled";
                                /** @enum {string} */
                                status: "queued" | "processing" | "succeeded" | "rejected" | "failed";
                                idempotencyKey: string | null;
                                /** @description ISO-8601 UTC time with milliseconds */
                                requestedAt: string;
                                completedAt: string | null;
                                rotatedAt: string | null;
                                previousRetainedUntil: string | null;
                                /** @description the key's secret version once this rotation succeeded (its new secret's, as in signingSecrets); null before */
                                secretVersion: number | null;
                                /** @description whether the service still holds the new secret for you to fetch */
                                secretHeld: boolean;
                                /** @description when a response carrying the secret was first completely written (or the rotation acknowledged): possibly delivered, as a written answer can still be lost; null: never delivered, and the next customer rotation discards it */
                                secretFirstDeliveredAt: string | null;
                                /** @description when the requester acknowledged the secret: confirmed; a rollback prefers confirmed secrets */
                                secretConfirmedAt: string | null;
                                secretAvailableUntil: string | null;
                                secretErasedAt: string | null;
                                secretErasedReason: ("acknowledged" | "redelivery_grace_elapsed" | "hold_expired" | "superseded_undelivered" | "key_revoked") | null;
                                error: {
                                    code: string;
                                    title: string;
                                    detail: string;
                                    retryAfter: number | null;
                                } | null;
                                /** @description the new secret, only while held */
                                secret: string | null;
                                /** @description the key pair this rotation made (its public key), when the key signs with v1a */
                                signingKey?: {
                                    keyVersion: number;
                                    /** @description RFC 7638 thumbprint of the key; the kid of its JWK */
                                    kid: string;
                                    /** @description whpk_ + base64 of the 32-byte ed25519 public key; not a secret */
                                    publicKey: string;
                                    current: boolean;
                                    /** @description ISO-8601 UTC time with milliseconds */
                                    createdAt: string;
                                    /** @description when it stops signing; null for the current key pair */
                                    retainedUntil: string | null;
                                };
                            };
                            data: {
                                /** Format: uuid */
                                id: string;
                                /**
                                 * @description scheduled: run by the key's rotation schedule, like a customer rotation
                                 * @enum {string}
                                 */
                                kind: "customer" | "operator_recover" | "operator_rollback" | "operator_expire_previous" | "scheduled";
                                /** @enum {string} */
                                status: "queued" | "processing" | "succeeded" | "rejected" | "failed";
                                idempotencyKey: string | null;
                                /** @description ISO-8601 UTC time with milliseconds */
                                requestedAt: string;
                                completedAt: string | null;
                                rotatedAt: string | null;
                                previousRetainedUntil: string | null;
                                /** @description the key's secret version once this rotation succeeded (its new secret's, as in signingSecrets); null before */
                                secretVersion: number | null;
                                /** @description whether the service still holds the new secret for you to fetch */
                                secretHeld: boolean;
                                /** @description when a response carrying the secret was first completely written (or the rotation acknowledged): possibly delivered, as a written answer can still be lost; null: never delivered, and the next customer rotation discards it */
                                secretFirstDeliveredAt: string | null;
                                /** @description when the requester acknowledged the secret: confirmed; a rollback prefers confirmed secrets */
                                secretConfirmedAt: string | null;
                                secretAvailableUntil: string | null;
                                secretErasedAt: string | null;
                                secretErasedReason: ("acknowledged" | "redelivery_grace_elapsed" | "hold_expired" | "superseded_undelivered" | "key_revoked") | null;
                                error: {
                                    code: string;
                                    title: string;
                                    detail: string;
                                    retryAfter: number | null;
                                } | null;
                                /** @description the new secret, only while held */
                                secret: string | null;
                                /** @description the key pair this rotation made (its public key), when the key signs with v1a */
                                signingKey?: {
                                    keyVersion: number;
                                    /** @description RFC 7638 thumbprint of the key; the kid of its JWK */
                                    kid: string;
                                    /** @description whpk_ + base64 of the 32-byte ed25519 public key; not a secret */
                                    publicKey: string;
                                    current: boolean;
                                    /** @description ISO-8601 UTC time with milliseconds */
                                    createdAt: string;
                                    /** @description when it stops signing; null for the current key pair */
                                    retainedUntil: string | null;
                                };
                            };
                            _meta: {
                                requestId: string;
                                /** @description ISO-8601 UTC time with milliseconds */
                                timestamp: string;
                                message?: string;
                                idempotent?: boolean;
                            };
                        };
                    };
                };
                /** @description RFC 9457 problem (application/problem+json); may carry extension members */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            instance: string;
                            requestId: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem (application/problem+json); may carry extension members */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            instance: string;
                            requestId: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/api-keys/{keyId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A key: metadata, secret version, window, last rotations; never a secret */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    keyId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            apiKey: {
                                /** Format: uuid */
                                id: string;
                                ownerId: string;
                                env: string;
                                keyPrefix: string;
                                scopes: string[];
                                ipAllowlist: string[];
                                webhookUrl: string | null;
                                secretVersion: number;
                                rotatedAt: string | null;
                                previousRetainedUntil: string | null;
                                /** @description whether any earlier secret still signs (its window is open) */
                                previousHeld: boolean;
                                /** @description every secret deliveries are signed with now, current first; rollback and expire-previous may name one by secretVersion */
                                signingSecrets: {
                                    secretVersion: number;
                                    current: boolean;
                                    /** @description issued with the key, restored by a rollback, or acknowledged; otherwise only possibly delivered */
                                    confirmed: boolean;
                                    /** @description when it stops signing; null for the current secret */
                                    retainedUntil: string | null;
                                }[];
                                cooldownEndsAt: string | null;
                                /** @description ISO-8601 UTC time with milliseconds */
                                createdAt: string;
                                expiresAt: string | null;
                                revokedAt: string | null;
                                recentRotations: {
                                    /** Format: uuid */
                                    id: string;
                                    /**
                                     * @description scheduled: run by the key's rotation schedule, like a customer rotation
                                     * @enum {string}
                                     */
                                    kind: "customer" | "operator_recover" | "operator_rollback" | "operator_expire_previous" | "scheduled";
                                    /** @enum {string} */
                                    status: "queued" | "processing" | "succeeded" | "rejected" | "failed";
                                    idempotencyKey: string | null;
                                    /** @description ISO-8601 UTC time with milliseconds */
                                    requestedAt: string;
                                    completedAt: string | null;
                                    rotatedAt: string | null;
                                    previousRetainedUntil: string | null;
                                    /** @description the key's secret version once this rotation succeeded (its new secret's, as in signingSecrets); null before */
                                    secretVersion: number | null;
                                    /** @description whether the service still holds the new secret for you to fetch */
                                    secretHeld: boolean;
                                    /** @description when a response carrying the secret was first completely written (or the rotation acknowledged): possibly delivered, as a written answer can still be lost; null: never delivered, and the next customer rotation discards it */
                                    secretFirstDeliveredAt: string | null;
                                    /** @description when the requester acknowledged the secret: confirmed; a rollback prefers confirmed secrets */
                                    secretConfirmedAt: string | null;
                                    secretAvailableUntil: string | null;
                                    secretErasedAt: string | null;
                                    secretErasedReason: ("acknowledged" | "redelivery_grace_elapsed" | "hold_expired" | "superseded_undelivered" | "key_revoked") | null;
                                    error: {
                                        code: string;
                                        title: string;
                                        detail: string;
                                        retryAfter: number | null;
                                    } | null;
                                }[];
                                rotationSchedule: {
                                    /** @description rotate every this many days; null: no schedule */
                                    everyDays: number | null;
                                    /** @description when the schedule was set; the count starts at the later of this and the last rotation */
                                    setAt: string | null;
                                    /** @description when the key is next due: its secret (or key pair) is everyDays old; the scheduler rotates it within a minute of this. Any rotation before then restarts the count */
                                    nextRotationAt: string | null;
                                    setBy: string | null;
                                };
                                /**
                                 * @description symmetric: whsec_ secrets sign (HMAC, v1 and X-Kash-Signature; the default); asymmetric: ed25519 key pairs sign (Standard Webhooks v1a); both: while a receiver migrates
                                 * @enum {string}
                                 */
                                signingScheme: "symmetric" | "asymmetric" | "both";
                                jwksUrl: string | null;
                                publicKeys: {
                                    keyVersion: number;
                                    /** @description RFC 7638 thumbprint of the key; the kid of its JWK */
                                    kid: string;
                                    /** @description whpk_ + base64 of the 32-byte ed25519 public key; not a secret */
                                    publicKey: string;
                                    current: boolean;
                                    /** @description ISO-8601 UTC time with milliseconds */
                                    createdAt: string;
                                    /** @description when it stops signing; null for the current key pair */
                                    retainedUntil: string | null;
                                }[];
                            };
                            data: {
                                /** Format: uuid */
                                id: string;
                                ownerId: string;
                                env: string;
                                keyPrefix: string;
                                scopes: string[];
                                ipAllowlist: string[];
                                webhookUrl: string | null;
                                secretVersion: number;
                                rotatedAt: string | null;
                                previousRetainedUntil: string | null;
                                /** @description whether any earlier secret still signs (its window is open) */
                                previousHeld: boolean;
                                /** @description every secret deliveries are signed with now, current first; rollback and expire-previous may name one by secretVersion */
                                signingSecrets: {
                                    secretVersion: number;
                                    current: boolean;
                                    /** @description issued with the key, restored by a rollback, or acknowledged; otherwise only possibly delivered */
                                    confirmed: boolean;
                                    /** @description when it stops signing; null for the current secret */
                                    retainedUntil: string | null;
                                }[];
                                cooldownEndsAt: string | null;
                                /** @description ISO-8601 UTC time with milliseconds */
                                createdAt: string;
                                expiresAt: string | null;
                                revokedAt: string | null;
                                recentRotations: {
                                    /** Format: uuid */
                                    id: string;
                                    /**
                                     * @description scheduled: run by the key's rotation schedule, like a customer rotation
                                     * @enum {string}
                                     */
                                    kind: "customer" | "operator_recover" | "operator_rollback" | "operator_expire_previous" | "scheduled";
                                    /** @enum {string} */
                                    status: "queued" | "processing" | "succeeded" | "rejected" | "failed";
                                    idempotencyKey: string | null;
                                    /** @description ISO-8601 UTC time with milliseconds */
                                    requestedAt: string;
                                    completedAt: string | null;
                                    rotatedAt: string | null;
                                    previousRetainedUntil: string | null;
                                    /** @description the key's secret version once this rotation succeeded (its new secret's, as in signingSecrets); null before */
                                    secretVersion: number | null;
                                    /** @description whether the service still holds the new secret for you to fetch */
                                    secretHeld: boolean;
                                    /** @description when a response carrying the secret was first completely written (or the rotation acknowledged): possibly delivered, as a written answer can still be lost; null: never delivered, and the next customer rotation discards it */
                                    secretFirstDeliveredAt: string | null;
                                    /** @description when the requester acknowledged the secret: confirmed; a rollback prefers confirmed secrets */
                                    secretConfirmedAt: string | null;
                                    secretAvailableUntil: string | null;
                                    secretErasedAt: string | null;
                                    secretErasedReason: ("acknowledged" | "redelivery_grace_elapsed" | "hold_expired" | "superseded_undelivered" | "key_revoked") | null;
                                    error: {
                                        code: string;
                                        title: string;
                                        detail: string;
                                        retryAfter: number | null;
                                    } | null;
                                }[];
                                rotationSchedule: {
                                    /** @description rotate every this many days; null: no schedule */
                                    everyDays: number | null;
                                    /** @description when the schedule was set; the count starts at the later of this and the last rotation */
                                    setAt: string | null;
                                    /** @description when the key is next due: its secret (or key pair) is everyDays old; the scheduler rotates it within a minute of this. Any rotation before then restarts the count */
                                    nextRotationAt: string | null;
                                    setBy: string | null;
                                };
                                /**
                                 * @description symmetric: whsec_ secrets sign (HMAC, v1 and X-Kash-Signature; the default); asymmetric: ed25519 key pairs sign (Standard Webhooks v1a); both: while a receiver migrates
                                 * @enum {string}
                                 */
                                signingScheme: "symmetric" | "asymmetric" | "both";
                                jwksUrl: string | null;
                                publicKeys: {
                                    keyVersion: number;
                                    /** @description RFC 7638 thumbprint of the key; the kid of its JWK */
                                    kid: string;
                                    /** @description whpk_ + base64 of the 32-byte ed25519 public key; not a secret */
                                    publicKey: string;
                                    current: boolean;
                                    /** @description ISO-8601 UTC time with milliseconds */
                                    createdAt: string;
                                    /** @description when it stops signing; null for the current key pair */
                                    retainedUntil: string | null;
                                }[];
                            };
                            _meta: {
                                requestId: string;
                                /** @description ISO-8601 UTC time with milliseconds */
                                timestamp: string;
                                message?: string;
                                idempotent?: boolean;
                            };
                        };
                    };
                };
                /** @description RFC 9457 problem (application/problem+json); may carry extension members */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            instance: string;
                            requestId: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem (application/problem+json); may carry extension members */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            instance: string;
                            requestId: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/audit-events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The audit trail, newest first, optionally for one key */
        get: {
            parameters: {
                query?: {
                    apiKeyId?: string;
                    limit?: number;
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                id: string;
                                /** @description ISO-8601 UTC time with milliseconds */
                                at: string;
                                /** @enum {string} */
                                actorType: "customer" | "operator" | "system";
                                actor: string;
                                action: string;
                                apiKeyId: string | null;
                                rotationId: string | null;
                                requestId: string | null;
                                sourceIp: string | null;
                                reason: string | null;
                                details: {
                                    [key: string]: unknown;
                                };
                            }[];
                            pagination: {
                                cursor: string | null;
                                hasMore: boolean;
                                limit: number;
                            };
                            _meta: {
                                requestId: string;
                                /** @description ISO-8601 UTC time with milliseconds */
                                timestamp: string;
                                message?: string;
                                idempotent?: boolean;
                            };
                        };
                    };
                };
                /** @description RFC 9457 problem (application/problem+json); may carry extension members */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            instance: string;
                            requestId: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem (application/problem+json); may carry extension members */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            instance: string;
                            requestId: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/console.css": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/sign-in": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/sign-out": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/keys/{keyId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    keyId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/keys/{keyId}/{action}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    keyId: string;
                    action: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/rotations/{id}/acknowledge": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: never;
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;

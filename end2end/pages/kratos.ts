import { randomInt } from "node:crypto";
import { expect, type APIRequestContext } from "@playwright/test";

/** Ory Kratos' admin API (scripts/kratos.sh); the app runs with KRATOS_ADMIN_URL set to it. */
export const KRATOS_ADMIN_URL = process.env.KRATOS_ADMIN_URL ?? "http://127.0.0.1:4434";

/** A Kratos identity (schema testenv/kratos-identity.schema.json: traits email and name). */
export interface Identity {
  id: string;
  email: string;
  name: string;
}

/** Creates an identity through Kratos' admin API (`createIdentity`). */
export async function createIdentity(request: APIRequestContext, name: string): Promise<Identity> {
  const email = `e2e-${Date.now()}-${randomInt(1_000_000)}@example.test`;
  const res = await request.post(`${KRATOS_ADMIN_URL}/admin/identities`, {
    data: { schema_id: "default", traits: { email, name } },
  });
  expect(res.status(), `Kratos at ${KRATOS_ADMIN_URL} created the identity: ${await res.text()}`).toBe(201);
  const body = (await res.json()) as { id: string };
  return { id: body.id, email, name };
}

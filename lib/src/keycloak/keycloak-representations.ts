import { z } from 'zod';

/**
 * The parts of Keycloak's admin representations this project reads (UserRepresentation,
 * GroupRepresentation, ClientRepresentation, CredentialRepresentation). Unknown fields pass: Keycloak
 * adds fields between versions.
 */
export const userSchema = z.looseObject({
  id: z.string(),
  username: z.string(),
  email: z.string().optional(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  enabled: z.boolean().optional(),
  createdTimestamp: z.number().optional(),
});
export type KeycloakUser = z.infer<typeof userSchema>;

export const groupSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  path: z.string().optional(),
});
export type KeycloakGroup = z.infer<typeof groupSchema>;

export const clientSchema = z.looseObject({
  id: z.string(),
  clientId: z.string(),
  description: z.string().optional(),
  enabled: z.boolean().optional(),
  serviceAccountsEnabled: z.boolean().optional(),
});
export type KeycloakClient = z.infer<typeof clientSchema>;

export const secretSchema = z.looseObject({ type: z.string().optional(), value: z.string() });

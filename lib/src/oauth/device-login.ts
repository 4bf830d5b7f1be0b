import * as oidc from 'openid-client';
import { scopesOf, type NativeClient, type NativeClientSettings, type TokenAnswer } from './native-client.js';

export interface DeviceLogin {
  /** Where the person goes, and the code they confirm there. */
  verificationUri: string;
  verificationUriComplete: string | undefined;
  userCode: string;
  /** Settles once the person has confirmed (the provider is polled at the interval it asks for). */
  tokens: Promise<TokenAnswer>;
}

/** RFC 8628: the device authorization grant, for a terminal without a browser. */
export async function startDeviceLogin(client: NativeClient, settings: NativeClientSettings): Promise<DeviceLogin> {
  const answer = await oidc.initiateDeviceAuthorization(client, { scope: scopesOf(settings) });
  return {
    verificationUri: answer.verification_uri,
    verificationUriComplete: answer.verification_uri_complete,
    userCode: answer.user_code,
    tokens: oidc.pollDeviceAuthorizationGrant(client, answer),
  };
}

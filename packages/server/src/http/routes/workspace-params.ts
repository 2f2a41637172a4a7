/**
 * Path parameters shared by the workspace, build and watch routes.
 */
import { Type } from '@sinclair/typebox';

export const WsParams = Type.Object({
  user: Type.String({ description: 'Owner username, or `me`.' }),
  name: Type.String(),
});
export type WsParams = { user: string; name: string };
export const BuildParams = Type.Composite([WsParams, Type.Object({ number: Type.Integer({ minimum: 1 }) })]);
export type BuildParams = WsParams & { number: number };

/** The name rule lives in the SDK, so the dashboard checks names exactly as the server does. */
export { nameProblem } from '@hearth/sdk';

// Runs the login windows contract against the in-process adapter.
import { InProcessLoginWindows } from '../../../src/coordination/in-process/login-windows.js';
import { loginWindowsContract } from './login-windows.contract.js';

loginWindowsContract('in-process', () => new InProcessLoginWindows());

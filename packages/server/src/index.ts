export { type Config, loadConfig } from './config.js';
export { runServerCli } from './main.js';
export { type RunningServer, StartupError, startServer, VERSION } from './server.js';

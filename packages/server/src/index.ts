export { type Config, loadConfig } from './app/config.js';
export { runServerCli } from './app/main.js';
export { type RunningServer, StartupError, startServer, VERSION } from './app/server.js';

/** The `clawbot` command-line interface. */
export * from './program.js';
export * from './context.js';
export * from './checks.js';
export * from './health-check.js';
export {
  runOnboard,
  collectAnswers,
  channelFieldValidator,
  registerOnboardCommand,
  type OnboardFlags,
} from './onboard-command.js';
export * from './onboard-config.js';
export type { Prompter, Choice, Validate } from './prompter.js';
export { runDoctor, registerDoctorCommand } from './doctor-command.js';
export { registerConfigCommand, formatValue } from './config-command.js';
export { registerGatewayCommand } from './gateway-command.js';
export { registerTokenCommand } from './token-command.js';

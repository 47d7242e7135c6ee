/** Verify-before-review isolation: shadow workspaces and the bubblewrap sandbox (issue 5, SAFETY §15). */
export {
  createShadow,
  cleanupStaleShadows,
  defaultShadowBase,
  DEPENDENCY_FOLDERS,
  type CreateShadowOptions,
  type Shadow,
  type ShadowFileOp,
} from './shadow';
export { detectSandbox, sandboxArgv, sandboxArgvForShadow, type SandboxAvailability, type SandboxOptions } from './bubblewrap';
export { sandboxDoctor, formatSandboxReport, type SandboxReport, type DoctorCheck } from './doctor';

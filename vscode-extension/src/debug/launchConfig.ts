/**
 * Completes and checks a `nexa` launch configuration before VS Code hands it to `nexa-dap`.
 *
 * The adapter receives exactly the object returned here, so defaults are applied in one place
 * (settings → `provider`/`model`, workspace → `cwd`) and mistakes are reported in the editor, with
 * the attribute named, instead of as a failed start of the adapter.
 */
import * as path from 'node:path';

export const PROVIDERS = ['offline', 'openai'] as const;
export type Provider = (typeof PROVIDERS)[number];

/** Sandbox permissions, as the `--allow-*` flags of `nexa run` name them (stdlib S§0.3). */
export const ALLOW_PATTERN = /^(python|shell|approve-all|(read|write|net):.+)$/;
const FLOW_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/;
/** The launch attributes package.json declares for the `nexa` debugger. */
export const LAUNCH_ATTRIBUTES = [
  'program', 'flow', 'args', 'cwd', 'env', 'provider', 'model', 'record', 'replay', 'allow', 'stopOnEntry', 'noDebug',
] as const;
const KNOWN_KEYS: ReadonlySet<string> = new Set(['type', 'request', 'name', ...LAUNCH_ATTRIBUTES]);

export interface NexaLaunchConfig {
  readonly type: 'nexa';
  readonly request: 'launch';
  readonly name: string;
  readonly program: string;
  readonly flow: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly provider: Provider;
  readonly model?: string;
  readonly record?: string;
  readonly replay?: string;
  readonly allow: readonly string[];
  readonly stopOnEntry: boolean;
  readonly noDebug: boolean;
  /** Anything else the user wrote (e.g. `presentation`, `preLaunchTask`) is passed through untouched. */
  readonly [extra: string]: unknown;
}

export interface LaunchContext {
  /** The active editor's file, when there is one. */
  readonly activeFile?: { readonly path: string; readonly languageId: string };
  readonly workspaceFolder?: string;
  readonly defaults: { readonly provider: Provider; readonly model: string };
}

export type LaunchResolution =
  | { readonly ok: true; readonly config: NexaLaunchConfig }
  | { readonly ok: false; readonly error: string };

function fail(error: string): LaunchResolution {
  return { ok: false, error };
}

function isProvider(value: unknown): value is Provider {
  return typeof value === 'string' && (PROVIDERS as readonly string[]).includes(value);
}

function optionalString(raw: Record<string, unknown>, key: string): string | undefined | Error {
  const value = raw[key];
  if (value === undefined || value === null || value === '') {
    return undefined;
  }
  return typeof value === 'string' ? value : new Error(`"${key}" must be a string`);
}

function stringList(raw: Record<string, unknown>, key: string): string[] | Error {
  const value = raw[key];
  if (value === undefined || value === null) {
    return [];
  }
  if (!Array.isArray(value)) {
    return new Error(`"${key}" must be a list of strings`);
  }
  const bad = value.findIndex((item) => typeof item !== 'string');
  return bad >= 0 ? new Error(`"${key}"[${bad}] must be a string`) : (value as string[]);
}

/**
 * `raw` is the configuration after VS Code substituted `${file}` and friends. An empty one (F5
 * without a launch.json) becomes "run main of the active .nx file".
 */
export function resolveLaunchConfig(raw: Readonly<Record<string, unknown>>, context: LaunchContext): LaunchResolution {
  const isEmpty = raw.type === undefined && raw.request === undefined && raw.name === undefined;
  let program = raw.program;
  if (isEmpty) {
    if (context.activeFile?.languageId !== 'nexa') {
      return fail('Open a .nx file to run it, or add a Nexa launch configuration to launch.json.');
    }
    program = context.activeFile.path;
  }
  if (raw.request !== undefined && raw.request !== 'launch') {
    return fail(`request ${JSON.stringify(raw.request)} is not supported: nexa-dap only launches programs`);
  }
  if (typeof program !== 'string' || program.trim() === '') {
    return fail('"program" must name the .nx file to run');
  }
  const base = context.workspaceFolder ?? path.dirname(context.activeFile?.path ?? '.');
  const programPath = path.isAbsolute(program) ? program : path.resolve(base, program);

  const flow = raw.flow === undefined || raw.flow === '' ? 'main' : raw.flow;
  if (typeof flow !== 'string' || !FLOW_NAME.test(flow)) {
    return fail(`"flow" must be a flow name such as main, not ${JSON.stringify(flow)}`);
  }

  const args = stringList(raw, 'args');
  if (args instanceof Error) {
    return fail(args.message);
  }
  const allow = stringList(raw, 'allow');
  if (allow instanceof Error) {
    return fail(allow.message);
  }
  const badAllow = allow.find((item) => !ALLOW_PATTERN.test(item));
  if (badAllow !== undefined) {
    return fail(`"allow" entry "${badAllow}" is not one of python, shell, approve-all, read:PATH, write:PATH, net:HOST`);
  }

  const env = raw.env ?? {};
  if (typeof env !== 'object' || Array.isArray(env) || Object.values(env).some((v) => typeof v !== 'string')) {
    return fail('"env" must map variable names to strings');
  }

  const provider = raw.provider ?? context.defaults.provider;
  if (!isProvider(provider)) {
    return fail(`"provider" must be one of ${PROVIDERS.join(', ')}, not ${JSON.stringify(provider)}`);
  }

  const strings: Partial<Record<'cwd' | 'model' | 'record' | 'replay', string>> = {};
  for (const key of ['cwd', 'model', 'record', 'replay'] as const) {
    const value = optionalString(raw, key);
    if (value instanceof Error) {
      return fail(value.message);
    }
    if (value !== undefined) {
      strings[key] = key === 'model' || path.isAbsolute(value) ? value : path.resolve(base, value);
    }
  }
  if (strings.record !== undefined && strings.replay !== undefined) {
    return fail('"record" and "replay" cannot be used together: a replayed run never contacts a provider');
  }
  const model = strings.model ?? (context.defaults.model === '' ? undefined : context.defaults.model);

  for (const key of ['stopOnEntry', 'noDebug'] as const) {
    if (raw[key] !== undefined && typeof raw[key] !== 'boolean') {
      return fail(`"${key}" must be true or false`);
    }
  }

  const name = typeof raw.name === 'string' && raw.name !== '' ? raw.name : `Nexa: ${flow} of ${path.basename(programPath)}`;
  const extra = Object.fromEntries(Object.entries(raw).filter(([key]) => !KNOWN_KEYS.has(key)));
  const config: NexaLaunchConfig = {
    ...extra,
    type: 'nexa',
    request: 'launch',
    name,
    program: programPath,
    flow,
    args,
    cwd: strings.cwd ?? context.workspaceFolder ?? path.dirname(programPath),
    env: env as Record<string, string>,
    provider,
    allow,
    stopOnEntry: raw.stopOnEntry === true,
    noDebug: raw.noDebug === true,
    ...(model === undefined ? {} : { model }),
    ...(strings.record === undefined ? {} : { record: strings.record }),
    ...(strings.replay === undefined ? {} : { replay: strings.replay }),
  };
  return { ok: true, config };
}

/** The configuration behind Run Flow / Debug Flow (and the server's code lenses). */
export function flowLaunchConfig(program: string, flow: string, noDebug: boolean): Record<string, unknown> {
  return {
    type: 'nexa',
    request: 'launch',
    name: `${noDebug ? 'Run' : 'Debug'} ${flow} (${path.basename(program)})`,
    program,
    flow,
    noDebug,
  };
}

import { invalidRequest } from '../errors.js';

/** A Chat parameter the upstream cannot honour and that was left out of the upstream request. */
export interface AdapterWarning {
  /** The Chat request path, e.g. `seed` or `messages[2].name`. */
  param: string;
  message: string;
}

/** Collects warnings, or fails the request when strict mode is on. */
export class WarningCollector {
  readonly warnings: AdapterWarning[] = [];
  constructor(private readonly strict: boolean) {}

  /** Records that `param` was dropped; in strict mode it is a 400 naming the parameter instead. */
  drop(param: string, message: string): void {
    if (this.strict) {
      throw invalidRequest(
        `Unsupported parameter: '${param}'. ${message} The adapter runs with STRICT_PARAMS, so the request was not sent.`,
        param,
        'unsupported_parameter',
      );
    }
    this.warnings.push({ param, message });
  }

  /** Records a changed value (always a warning, never an error: the request is still served). */
  adjust(param: string, message: string): void {
    this.warnings.push({ param, message });
  }
}

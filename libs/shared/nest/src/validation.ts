import {
  BadRequestException,
  ValidationPipe,
  type ArgumentMetadata,
  type ValidationError as FieldError,
} from '@nestjs/common';
import { valueProblems, type FieldProblem } from './body';
import { TITLE, type Problem } from './problem-details.filter';

interface FieldErrors {
  field: string;
  messages: string[];
}

/**
 * class-validator's errors and the body's own (nulls, inexact numbers, text no field may hold:
 * `valueProblems`) as one 400 naming every bad field (nested fields by dotted path).
 */
class BillingValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const own = metadata.type === 'body' ? valueProblems(value) : [];
    let result: unknown;
    try {
      result = await super.transform(value, metadata);
    } catch (error) {
      if (own.length === 0 || !(error instanceof BadRequestException)) throw error;
      throw invalid(own, (error.getResponse() as { errors?: FieldErrors[] }).errors ?? []);
    }
    if (own.length > 0) throw invalid(own, []);
    return result;
  }
}

export function validationPipe(): ValidationPipe {
  return new BillingValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    exceptionFactory: (errors) => invalid([], flatten(errors)),
  });
}

/**
 * Each field once: what the body holds there says what is wrong with it (a null is not also "must
 * be an object").
 */
function invalid(own: FieldProblem[], validated: FieldErrors[]): BadRequestException {
  const byField = new Map<string, string[]>();
  own.forEach(({ field, message }) => byField.set(field, [message]));
  validated.forEach(({ field, messages }) => byField.set(field, byField.get(field) ?? messages));
  return new BadRequestException({
    type: 'urn:billing:validation',
    title: TITLE.validation,
    detail: 'the request has invalid fields',
    errors: [...byField].map(([field, messages]) => ({ field, messages })),
  } satisfies Problem);
}

/** Constraints on a value's type: when one fails, the others (ranges, lengths) say nothing. */
const TYPE_CHECKS = ['isInt', 'isNumber', 'isString', 'isBoolean', 'isArray', 'isObject'];

function flatten(errors: FieldError[], prefix = ''): { field: string; messages: string[] }[] {
  return errors.flatMap((error) => {
    const field = `${prefix}${error.property}`;
    const failed = Object.entries(error.constraints ?? {});
    const ofType = failed.filter(([name]) => TYPE_CHECKS.includes(name));
    const messages = (ofType.length > 0 ? ofType : failed).map(([, message]) => message);
    const own = messages.length > 0 ? [{ field, messages }] : [];
    return [...own, ...flatten(error.children ?? [], `${field}.`)];
  });
}

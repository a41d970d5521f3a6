/**
 * How the built-in rotator generates a new value: the parameters of Secrets Manager's
 * `GetRandomPassword`. The construct (`RotationFunction.passwordPolicy`) and the runtime
 * (`context.randomPassword`, `RandomValueRotator`) take this one type.
 *
 * @see https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetRandomPassword.html
 */
export interface PasswordPolicyOptions {
  /**
   * The length of the value, from 1 to 4096 characters (aws-cdk-lib's word for it).
   *
   * @default 32
   */
  readonly passwordLength?: number;

  /**
   * Characters never to use.
   *
   * @default - none excluded
   */
  readonly excludeCharacters?: string;

  /**
   * Leave out punctuation (``!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~``).
   *
   * @default false
   */
  readonly excludePunctuation?: boolean;

  /**
   * Leave out digits.
   *
   * @default false
   */
  readonly excludeNumbers?: boolean;

  /**
   * Leave out uppercase letters.
   *
   * @default false
   */
  readonly excludeUppercase?: boolean;

  /**
   * Leave out lowercase letters.
   *
   * @default false
   */
  readonly excludeLowercase?: boolean;

  /**
   * Include at least one character of every class that is not excluded.
   *
   * @default true
   */
  readonly requireEachIncludedType?: boolean;
}

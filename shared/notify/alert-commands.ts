// Loaded by `import()` when an alert is first delivered, with the clients the delivery is handed: a
// function that delivers nothing does not load SNS's or Secrets Manager's SDK package.
export { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
export { PublishCommand } from '@aws-sdk/client-sns';

import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { InvoicingModule } from '@billing/invoicing/feature';
import { buildInfrastructure, startHttp } from '@billing/shared/platform';
import { ConfigError, InfrastructureModule, loadConfig } from '@billing/shared/nest';

async function main() {
  const config = loadConfig(process.env, { port: 3003 });
  @Module({ imports: [InfrastructureModule.forRoot(buildInfrastructure(config)), InvoicingModule] })
  class InvoicingApp {}
  await startHttp(InvoicingApp, config, 'Invoicing service');
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});

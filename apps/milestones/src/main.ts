import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { MilestonesModule } from '@billing/milestones/feature';
import { buildInfrastructure, startHttp } from '@billing/shared/platform';
import { ConfigError, InfrastructureModule, loadConfig } from '@billing/shared/nest';

async function main() {
  const config = loadConfig(process.env, { port: 3002 });
  @Module({ imports: [InfrastructureModule.forRoot(buildInfrastructure(config)), MilestonesModule] })
  class MilestonesApp {}
  await startHttp(MilestonesApp, config, 'Milestones service');
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});

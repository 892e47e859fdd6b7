import { Module, type DynamicModule } from '@nestjs/common';
import { ContractsModule } from '@billing/contracts/feature';
import { InvoicingModule } from '@billing/invoicing/feature';
import { MilestonesModule } from '@billing/milestones/feature';
import { ReceivablesModule } from '@billing/receivables/feature';
import { InfrastructureModule, type Infrastructure } from '@billing/shared/nest';

/** The embedded all-in-one: the four services' modules in one process, sharing one event store and bus. */
@Module({})
export class StandaloneModule {
  static with(infrastructure: Infrastructure): DynamicModule {
    return { module: StandaloneModule, imports: [InfrastructureModule.forRoot(infrastructure), ContractsModule, MilestonesModule, InvoicingModule, ReceivablesModule] };
  }
}

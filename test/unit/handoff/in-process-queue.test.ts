import { createInProcessHandoffQueue } from '../../../handoff/store/in-process-queue.js';
import { runHandoffQueueContract } from '../../contract/handoff-queue.contract.js';

runHandoffQueueContract({
  name: 'in-process',
  create: (clock) => createInProcessHandoffQueue({}, { clock }),
  expire: () => Promise.resolve(),
});

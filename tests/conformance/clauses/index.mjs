// Every clause of contract/clauses.tsv, by id, grouped by feature group.
import { clauses as accounts } from './accounts.mjs';
import { clauses as bulk } from './bulk.mjs';
import { clauses as card } from './card.mjs';
import { clauses as consents } from './consents.mjs';
import { clauses as disaster } from './disaster.mjs';
import { clauses as events } from './events.mjs';
import { clauses as history } from './history.mjs';
import { clauses as medical } from './medical.mjs';
import { clauses as passcode } from './passcode.mjs';
import { clauses as qualification } from './qualification.mjs';
import { clauses as readers } from './readers.mjs';
import { clauses as reference } from './reference.mjs';
import { clauses as session } from './session.mjs';
import { clauses as serving } from './serving.mjs';
import { clauses as training } from './training.mjs';

const groups = [session, serving, qualification, history, events, reference, bulk, readers, passcode, consents, medical, disaster, accounts, training, card];

export const clauses = {};
for (const group of groups) {
  for (const [id, fn] of Object.entries(group)) {
    if (clauses[id]) throw new Error(`clause ${id} is implemented twice`);
    clauses[id] = fn;
  }
}

// The ReplSession backed by the real VM. The VM's evaluation entry point (vm/vm.ts,
// images/world.ts) is still being written; until it lands, opening a session says so
// instead of failing somewhere deeper.

import type { ReplSession } from './session.ts';

export async function openVmSession(imagePath: string | null): Promise<ReplSession> {
  throw new Error(`cannot open ${imagePath ?? 'the base image'}: the REPL is not yet wired to the VM (vm/vm.ts)`);
}

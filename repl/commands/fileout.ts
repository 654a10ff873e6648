// `strata fileout PACKAGE DIR [--image IN]`: writes a package of an image as a Tonel
// package directory (DIR/package.st, one .class.st per class, .extension.st files for its
// methods on other packages' classes), as Pharo would, so it can live in git.

import { writeTonelPackage } from '../../compiler/tonel.ts';
import { bootWorld } from '../../images/world.ts';
import { Exit, UsageError, type Command } from '../command.ts';
import { packageDefinition } from '../fileout.ts';
import { IMAGE_OPTION_HELP, imagePath, parseArgs } from './args.ts';

export const fileoutCommand: Command = {
  name: 'fileout',
  args: 'PACKAGE DIR [--image IN]',
  summary: 'write a package of an image as a Tonel package directory',
  details: [
    'Classes whose category is PACKAGE or PACKAGE-Tag, and methods of other classes in the',
    'protocol *PACKAGE, are written to DIR (created if needed; stale class files removed).',
    IMAGE_OPTION_HELP,
  ].join('\n'),
  run(args, io) {
    const parsed = parseArgs(args, 'fileout', { values: [['--image']] });
    if (parsed.positional.length !== 2) throw new UsageError('fileout needs PACKAGE and DIR', 'fileout');
    const [pkg, dir] = parsed.positional as [string, string];
    const vm = bootWorld(imagePath(parsed));
    let definition;
    try {
      definition = packageDefinition(vm.heap, pkg);
    } catch (e) {
      io.stderr(`strata fileout: ${(e as Error).message}\n`);
      return Exit.usage;
    }
    writeTonelPackage(definition, dir);
    const classes = definition.definitions.filter((d) => d.kind === 'class').length;
    const methods = definition.definitions.filter((d) => d.kind === 'method').length;
    io.stdout(`wrote ${pkg} to ${dir}: ${classes} classes, ${methods} methods\n`);
    return Exit.ok;
  },
};

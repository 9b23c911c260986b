/**
 * The public API as data: every name `src/index.ts` exports, with its kind (class, function,
 * constant, type, interface), read with the TypeScript compiler so type-only exports count too.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export type ExportKind = 'class' | 'function' | 'constant' | 'type' | 'interface' | 'enum' | 'other';

function kindOf(symbol: ts.Symbol, checker: ts.TypeChecker): ExportKind {
  const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  const f = target.flags;
  if (f & ts.SymbolFlags.Class) return 'class';
  if (f & ts.SymbolFlags.Function) return 'function';
  if (f & ts.SymbolFlags.Enum) return 'enum';
  if (f & ts.SymbolFlags.Variable) return 'constant';
  if (f & ts.SymbolFlags.Interface) return 'interface';
  if (f & ts.SymbolFlags.TypeAlias) return 'type';
  return 'other';
}

/** `{ name: kind }` for every export of src/index.ts, sorted by name. */
export function publicApi(): Record<string, ExportKind> {
  const entry = path.join(ROOT, 'src/index.ts');
  const config = ts.readConfigFile(path.join(ROOT, 'tsconfig.json'), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  const program = ts.createProgram([entry], { ...parsed.options, noEmit: true });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry);
  if (source === undefined) throw new Error(`Cannot read ${entry}.`);
  const moduleSymbol = checker.getSymbolAtLocation(source);
  if (moduleSymbol === undefined) throw new Error(`${entry} is not a module.`);
  const api: Record<string, ExportKind> = {};
  for (const s of checker.getExportsOfModule(moduleSymbol).sort((a, b) => a.name.localeCompare(b.name))) api[s.name] = kindOf(s, checker);
  return api;
}

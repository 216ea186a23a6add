/**
 * What the structure checks need to know about one TypeScript module, read with a real parser
 * (@babel/parser): the modules it depends on, the line span of every function, and its `as`
 * casts. Pure: source text in, facts out.
 */
import { parse } from '@babel/parser';

/** One dependency of a module on another file or a package. */
export interface ModuleDependency {
  /** The specifier as written (`../lib/cli.ts`, `node:fs`, `@aws-sdk/client-dynamodb`). */
  readonly specifier: string;
  readonly line: number;
  /**
   * `import` / `export ... from` / `import()`, or `entry`: a `new URL('./x.ts', import.meta.url)`
   * naming a module that is run in a child process, a dependency all the same.
   */
  readonly kind: 'import' | 'entry';
}

/** One function (declaration, expression, arrow or method) and the lines it spans. */
export interface FunctionSpan {
  /** Its name, the variable or property it is assigned to, or `(anonymous)`. */
  readonly name: string;
  readonly startLine: number;
  readonly endLine: number;
  /** Lines from the first to the last, both included. */
  readonly lines: number;
}

/** One `x as T` (or `<T>x`) cast. */
export interface TypeCast {
  readonly line: number;
  /**
   * The type names the value is asserted to be: the target type's own name, or each member's of
   * a union (`Foo | undefined` -> `Foo`); a name only inside a generic (`Box<Foo>`) is not one.
   */
  readonly typeNames: readonly string[];
}

/** The facts of one module. */
export interface ModuleFacts {
  readonly dependencies: readonly ModuleDependency[];
  readonly functions: readonly FunctionSpan[];
  readonly casts: readonly TypeCast[];
}

/** A parser node, as far as these checks look at it. */
interface AstNode {
  readonly type: string;
  readonly loc?: { readonly start: { readonly line: number }; readonly end: { readonly line: number } };
  readonly [key: string]: unknown;
}

const FUNCTION_TYPES = new Set([
  'FunctionDeclaration',
  'FunctionExpression',
  'ArrowFunctionExpression',
  'ClassMethod',
  'ClassPrivateMethod',
  'ObjectMethod',
  'TSDeclareMethod',
]);

/** Reads the facts of a module. Throws the parser's SyntaxError (with the line) on invalid code. */
export function readModuleFacts(source: string): ModuleFacts {
  const program = parse(source, { sourceType: 'module', plugins: ['typescript'] }).program;
  const facts = {
    dependencies: [] as ModuleDependency[],
    functions: [] as FunctionSpan[],
    casts: [] as TypeCast[],
  };
  visit(program as unknown as AstNode, undefined, facts);
  return facts;
}

function visit(
  node: AstNode,
  parent: AstNode | undefined,
  facts: { dependencies: ModuleDependency[]; functions: FunctionSpan[]; casts: TypeCast[] },
): void {
  const dependency = dependencyOf(node);
  if (dependency !== undefined) facts.dependencies.push(dependency);
  if (FUNCTION_TYPES.has(node.type) && node.loc !== undefined) {
    const { start, end } = node.loc;
    facts.functions.push({
      name: functionName(node, parent),
      startLine: start.line,
      endLine: end.line,
      lines: end.line - start.line + 1,
    });
  }
  if ((node.type === 'TSAsExpression' || node.type === 'TSTypeAssertion') && isNode(node.typeAnnotation)) {
    facts.casts.push({ line: lineOf(node), typeNames: typeNamesIn(node.typeAnnotation) });
  }
  for (const child of childrenOf(node)) visit(child, node, facts);
}

function dependencyOf(node: AstNode): ModuleDependency | undefined {
  const line = lineOf(node);
  switch (node.type) {
    case 'ImportDeclaration':
    case 'ExportAllDeclaration':
    case 'ExportNamedDeclaration': {
      const source = stringValue(node.source);
      return source === undefined ? undefined : { specifier: source, line, kind: 'import' };
    }
    case 'CallExpression': {
      const callee = node.callee;
      const [first] = Array.isArray(node.arguments) ? node.arguments : [];
      if (!isNode(callee) || callee.type !== 'Import') return undefined;
      const source = stringValue(first);
      return source === undefined ? undefined : { specifier: source, line, kind: 'import' };
    }
    case 'ImportExpression': {
      const source = stringValue(node.source);
      return source === undefined ? undefined : { specifier: source, line, kind: 'import' };
    }
    case 'NewExpression': {
      const [first, second] = Array.isArray(node.arguments) ? node.arguments : [];
      const callee = node.callee;
      const source = stringValue(first);
      const isUrl = isNode(callee) && callee.type === 'Identifier' && callee.name === 'URL';
      if (!isUrl || source === undefined || !isImportMetaUrl(second)) return undefined;
      return /\.[cm]?ts$/.test(source) ? { specifier: source, line, kind: 'entry' } : undefined;
    }
    default:
      return undefined;
  }
}

function isImportMetaUrl(value: unknown): boolean {
  if (!isNode(value) || value.type !== 'MemberExpression') return false;
  const object = value.object;
  const property = value.property;
  return (
    isNode(object) &&
    object.type === 'MetaProperty' &&
    isNode(property) &&
    property.type === 'Identifier' &&
    property.name === 'url'
  );
}

function functionName(node: AstNode, parent: AstNode | undefined): string {
  const own = identifierName(node.id) ?? identifierName(node.key);
  if (own !== undefined) return own;
  if (parent?.type === 'VariableDeclarator') return identifierName(parent.id) ?? '(anonymous)';
  if (parent?.type === 'ObjectProperty' || parent?.type === 'ClassProperty')
    return identifierName(parent.key) ?? '(anonymous)';
  if (parent?.type === 'AssignmentExpression') {
    const left = parent.left;
    if (isNode(left) && left.type === 'MemberExpression')
      return identifierName(left.property) ?? '(anonymous)';
  }
  return '(anonymous)';
}

function identifierName(value: unknown): string | undefined {
  if (!isNode(value)) return undefined;
  if (value.type === 'Identifier' || value.type === 'PrivateName') {
    const name = value.type === 'PrivateName' ? identifierName(value.id) : value.name;
    return typeof name === 'string' ? name : undefined;
  }
  return stringValue(value);
}

/** The names a cast asserts: a type reference's own, or each union member's (`A | B | undefined`). */
function typeNamesIn(type: AstNode): string[] {
  if (type.type === 'TSUnionType' && Array.isArray(type.types)) {
    return type.types.filter(isNode).flatMap(typeNamesIn);
  }
  if (type.type === 'TSParenthesizedType' && isNode(type.typeAnnotation))
    return typeNamesIn(type.typeAnnotation);
  if (type.type !== 'TSTypeReference') return [];
  const name = type.typeName;
  if (isNode(name) && name.type === 'TSQualifiedName') return [identifierName(name.right)].filter(isString);
  return [identifierName(name)].filter(isString);
}

function isString(value: string | undefined): value is string {
  return value !== undefined;
}

function stringValue(value: unknown): string | undefined {
  return isNode(value) && value.type === 'StringLiteral' && typeof value.value === 'string'
    ? value.value
    : undefined;
}

function lineOf(node: AstNode): number {
  return node.loc?.start.line ?? 0;
}

const SKIPPED_KEYS = new Set([
  'loc',
  'start',
  'end',
  'extra',
  'leadingComments',
  'trailingComments',
  'innerComments',
]);

function childrenOf(node: AstNode): AstNode[] {
  const children: AstNode[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (SKIPPED_KEYS.has(key)) continue;
    if (Array.isArray(value)) {
      for (const item of value) if (isNode(item)) children.push(item);
    } else if (isNode(value)) children.push(value);
  }
  return children;
}

function isNode(value: unknown): value is AstNode {
  return (
    typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string'
  );
}

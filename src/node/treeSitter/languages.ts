// The languages the syntax backend reads: which grammar a file extension takes, and the query that finds its
// definitions. Each pattern captures the definition as `@definition.<kind>` and its name as `@name`; kinds are
// the editor's symbol kinds (ports.ts), so the CLI's answers read like the extension's.
import type { SymbolKindName } from '../../core/ports';

export interface LanguageSpec {
  /** The grammar's wasm file: `tree-sitter-<grammar>.wasm`. */
  grammar: string;
  query: string;
  /** Node types whose body makes the variables declared in it local (not definitions worth listing). */
  localScopes: ReadonlySet<string>;
  /** Kinds that hold members: a function declared directly inside one is a method. */
  containers?: ReadonlySet<SymbolKindName>;
}

/** Capture names (after `definition.`) that are not symbol kinds by the same name. */
export const CAPTURE_KINDS: Record<string, SymbolKindName> = {
  type: 'type parameter',
  enum_member: 'enum member',
  impl: 'object',
};

const TYPESCRIPT_QUERY = `
(function_declaration name: (identifier) @name) @definition.function
(generator_function_declaration name: (identifier) @name) @definition.function
(function_signature name: (identifier) @name) @definition.function
(class_declaration name: (type_identifier) @name) @definition.class
(abstract_class_declaration name: (type_identifier) @name) @definition.class
(interface_declaration name: (type_identifier) @name) @definition.interface
(type_alias_declaration name: (type_identifier) @name) @definition.type
(enum_declaration name: (identifier) @name) @definition.enum
(internal_module name: (_) @name) @definition.namespace
(method_definition name: (_) @name) @definition.method
(abstract_method_signature name: (_) @name) @definition.method
(method_signature name: (_) @name) @definition.method
(public_field_definition name: (_) @name) @definition.property
(property_signature name: (_) @name) @definition.property
(lexical_declaration (variable_declarator name: (identifier) @name)) @definition.variable
(variable_declaration (variable_declarator name: (identifier) @name)) @definition.variable
`;

const JAVASCRIPT_QUERY = `
(function_declaration name: (identifier) @name) @definition.function
(generator_function_declaration name: (identifier) @name) @definition.function
(class_declaration name: (identifier) @name) @definition.class
(method_definition name: (_) @name) @definition.method
(field_definition property: (_) @name) @definition.property
(lexical_declaration (variable_declarator name: (identifier) @name)) @definition.variable
(variable_declaration (variable_declarator name: (identifier) @name)) @definition.variable
`;

const FUNCTION_SCOPES = new Set([
  'function_declaration',
  'generator_function_declaration',
  'function_expression',
  'generator_function',
  'arrow_function',
  'method_definition',
  'class_static_block',
]);

const PYTHON_QUERY = `
(class_definition name: (identifier) @name) @definition.class
(function_definition name: (identifier) @name) @definition.function
(module (expression_statement (assignment left: (identifier) @name)) @definition.variable)
`;

const GO_QUERY = `
(function_declaration name: (identifier) @name) @definition.function
(method_declaration name: (field_identifier) @name) @definition.method
(type_declaration (type_spec name: (type_identifier) @name type: (struct_type))) @definition.struct
(type_declaration (type_spec name: (type_identifier) @name type: (interface_type))) @definition.interface
(type_declaration (type_spec name: (type_identifier) @name type: [(type_identifier) (qualified_type) (pointer_type) (function_type) (map_type) (slice_type) (array_type) (channel_type) (generic_type)])) @definition.type
(type_declaration (type_alias name: (type_identifier) @name)) @definition.type
(source_file (const_declaration (const_spec name: (identifier) @name)) @definition.constant)
(source_file (var_declaration (var_spec name: (identifier) @name)) @definition.variable)
(method_elem name: (field_identifier) @name) @definition.method
(field_declaration name: (field_identifier) @name) @definition.field
`;

const RUST_QUERY = `
(function_item name: (identifier) @name) @definition.function
(function_signature_item name: (identifier) @name) @definition.function
(struct_item name: (type_identifier) @name) @definition.struct
(union_item name: (type_identifier) @name) @definition.struct
(enum_item name: (type_identifier) @name) @definition.enum
(trait_item name: (type_identifier) @name) @definition.interface
(impl_item type: (_) @name) @definition.impl
(mod_item name: (identifier) @name) @definition.module
(const_item name: (identifier) @name) @definition.constant
(static_item name: (identifier) @name) @definition.variable
(type_item name: (type_identifier) @name) @definition.type
(macro_definition name: (identifier) @name) @definition.function
(enum_variant name: (identifier) @name) @definition.enum_member
(field_declaration name: (field_identifier) @name) @definition.field
`;

const JAVA_QUERY = `
(class_declaration name: (identifier) @name) @definition.class
(record_declaration name: (identifier) @name) @definition.class
(interface_declaration name: (identifier) @name) @definition.interface
(annotation_type_declaration name: (identifier) @name) @definition.interface
(enum_declaration name: (identifier) @name) @definition.enum
(enum_constant name: (identifier) @name) @definition.enum_member
(method_declaration name: (identifier) @name) @definition.method
(constructor_declaration name: (identifier) @name) @definition.constructor
(field_declaration declarator: (variable_declarator name: (identifier) @name)) @definition.field
(constant_declaration declarator: (variable_declarator name: (identifier) @name)) @definition.constant
`;

const NO_SCOPES = new Set<string>();

const typescript = { query: TYPESCRIPT_QUERY, localScopes: FUNCTION_SCOPES };
export const LANGUAGES: Record<string, LanguageSpec> = {
  typescript: { grammar: 'typescript', ...typescript },
  tsx: { grammar: 'tsx', ...typescript },
  javascript: { grammar: 'javascript', query: JAVASCRIPT_QUERY, localScopes: FUNCTION_SCOPES },
  python: { grammar: 'python', query: PYTHON_QUERY, localScopes: NO_SCOPES, containers: new Set(['class']) },
  go: { grammar: 'go', query: GO_QUERY, localScopes: NO_SCOPES },
  rust: { grammar: 'rust', query: RUST_QUERY, localScopes: NO_SCOPES, containers: new Set(['object', 'interface']) },
  java: { grammar: 'java', query: JAVA_QUERY, localScopes: NO_SCOPES },
};

const BY_EXTENSION: Record<string, string> = {
  '.ts': 'typescript',
  '.mts': 'typescript',
  '.cts': 'typescript',
  '.tsx': 'tsx',
  '.js': 'javascript',
  '.mjs': 'javascript',
  '.cjs': 'javascript',
  '.jsx': 'javascript',
  '.py': 'python',
  '.pyi': 'python',
  '.go': 'go',
  '.rs': 'rust',
  '.java': 'java',
};

/** The language of a file by its extension (`.d.ts` files are TypeScript too), or undefined. */
export function languageOfPath(path: string): string | undefined {
  const dot = path.lastIndexOf('.');
  return dot > path.lastIndexOf('/') ? BY_EXTENSION[path.slice(dot).toLowerCase()] : undefined;
}

/** The extensions of a language's files, for searches that stay within it (TypeScript and JavaScript call each other). */
export function extensionsOf(language: string): string[] {
  const family =
    language === 'typescript' || language === 'tsx' || language === 'javascript' ? ['typescript', 'tsx', 'javascript'] : [language];
  return Object.entries(BY_EXTENSION)
    .filter(([, l]) => family.includes(l))
    .map(([e]) => e.slice(1));
}

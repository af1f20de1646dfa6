import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";
import path from "node:path";

// What a client component ("use client") may import from lib/: lib/client (types, formatting
// and the fetchers of the JSON API). Everything else in lib/ is the server-side data layer.
const CLIENT_SAFE_LIB = ["client"];
const LIB = path.join(import.meta.dirname, "lib");

/** Reports a client component's value imports of the data layer, `pg` or `server-only`. */
const noServerImportInClient = {
  meta: {
    type: "problem",
    messages: {
      server:
        '"{{source}}" is server-side code; a "use client" component reaches data through lib/client/queries (the JSON API).',
    },
    schema: [],
  },
  create(context) {
    const body = context.sourceCode.ast.body;
    const isClient = body.some(
      (n) => n.type === "ExpressionStatement" && n.directive === "use client",
    );
    if (!isClient) return {};
    const dir = path.dirname(context.filename);
    return {
      ImportDeclaration(node) {
        if (node.importKind === "type") return;
        const source = String(node.source.value);
        let inLib = null;
        if (source.startsWith("@/lib/")) inLib = source.slice("@/lib/".length);
        else if (source.startsWith(".")) {
          const resolved = path.resolve(dir, source);
          if (resolved.startsWith(LIB + path.sep)) inLib = path.relative(LIB, resolved);
        }
        const allowed =
          inLib === null
            ? source !== "pg" && source !== "server-only"
            : CLIENT_SAFE_LIB.some((p) => inLib === p || inLib.startsWith(`${p}/`));
        if (!allowed) context.report({ node, messageId: "server", data: { source } });
      },
    };
  },
};

const eslintConfig = [
  ...nextVitals,
  ...nextTs,
  {
    ignores: [
      ".next/**",
      "node_modules/**",
      ".data/**",
      "test-results/**",
      "next-env.d.ts",
      ".scratch/**",
    ],
  },
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
    },
  },
  {
    // The data layer is server-only: pages, components, route handlers and scripts reach the
    // database through lib/, never by importing the driver themselves (types are fine). Tests
    // are exempt: they check the database from outside the app.
    // The scripts' own tooling beside them (scripts/demo, scripts/bench, scripts/support) may.
    files: ["app/**", "components/**", "scripts/*.ts", "*.ts", "*.js", "*.mjs"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [
            { name: "pg", message: "Only lib/ talks to PostgreSQL.", allowTypeImports: true },
          ],
        },
      ],
    },
  },
  {
    // lib/'s layers import one way (ARCHITECTURE.md; tests/unit/layers.test.ts lists what each
    // layer may import); within and across them, no module imports itself back.
    files: ["lib/**"],
    rules: { "import/no-cycle": ["error", { ignoreExternal: true }] },
  },
  {
    files: ["app/**", "components/**"],
    plugins: { idemscope: { rules: { "no-server-import-in-client": noServerImportInClient } } },
    rules: { "idemscope/no-server-import-in-client": "error" },
  },
];

export default eslintConfig;

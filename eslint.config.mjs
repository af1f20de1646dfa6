import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

const eslintConfig = [
  ...nextVitals,
  ...nextTs,
  {
    ignores: [".next/**", "node_modules/**", ".data/**", "test-results/**", "next-env.d.ts"],
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
    // The data layer is server-only: pages, components and route handlers reach the database
    // through lib/, never by importing the driver themselves.
    files: ["app/**", "components/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        { paths: [{ name: "pg", message: "Only lib/ talks to PostgreSQL." }] },
      ],
    },
  },
];

export default eslintConfig;

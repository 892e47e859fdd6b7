import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

const adapters = ['@eventstore/*', 'kafkajs', 'mongoose', 'better-sqlite3', 'mingo'];

/** Which lib may import which (ARCHITECTURE.md "Layout"); `extra` tags are added for specs. */
function boundaries(extra) {
  const allow = (...tags) => [...tags, ...extra];
  return {
    enforceBuildableLibDependency: false,
    allow: [],
    // The testing libs import the libs whose conformance they check, and those libs' specs import
    // them back.
    ignoredCircularDependencies: [['tag:type:testing', '*']],
    depConstraints: [
      // Domain libs are pure: the kernel only, and no framework or adapter.
      {
        sourceTag: 'type:domain',
        onlyDependOnLibsWithTags: allow('type:kernel'),
        bannedExternalImports: ['@nestjs/*', 'express', 'rxjs', ...adapters],
      },
      {
        sourceTag: 'type:kernel',
        onlyDependOnLibsWithTags: allow(),
        bannedExternalImports: ['@nestjs/*', ...adapters],
      },
      {
        sourceTag: 'type:messages',
        onlyDependOnLibsWithTags: allow('type:kernel'),
        bannedExternalImports: ['@nestjs/*', ...adapters],
      },
      {
        sourceTag: 'type:core',
        onlyDependOnLibsWithTags: allow('type:kernel', 'type:core'),
        bannedExternalImports: [
          '@nestjs/*',
          'kafkajs',
          'mongoose',
          '@eventstore/*',
          'better-sqlite3',
        ],
      },
      { sourceTag: 'type:adapter', onlyDependOnLibsWithTags: allow('type:kernel', 'type:core') },
      { sourceTag: 'type:nest', onlyDependOnLibsWithTags: allow('type:kernel', 'type:core') },
      // A feature uses its own domain, shared libs, and other contexts' messages only.
      {
        sourceTag: 'type:feature',
        onlyDependOnLibsWithTags: allow(
          'type:domain',
          'type:messages',
          'type:kernel',
          'type:core',
          'type:nest',
        ),
        bannedExternalImports: adapters,
      },
      {
        sourceTag: 'type:platform',
        onlyDependOnLibsWithTags: allow('type:kernel', 'type:core', 'type:adapter', 'type:nest'),
      },
      {
        sourceTag: 'type:testing',
        onlyDependOnLibsWithTags: allow('type:kernel', 'type:core', 'type:testing'),
      },
      {
        sourceTag: 'type:app',
        onlyDependOnLibsWithTags: allow(
          'type:feature',
          'type:platform',
          'type:nest',
          'type:core',
          'type:kernel',
          'type:adapter',
        ),
      },
      {
        sourceTag: 'scope:contracts',
        onlyDependOnLibsWithTags: allow('scope:contracts', 'scope:shared', 'type:messages'),
      },
      {
        sourceTag: 'scope:milestones',
        onlyDependOnLibsWithTags: allow('scope:milestones', 'scope:shared', 'type:messages'),
      },
      {
        sourceTag: 'scope:invoicing',
        onlyDependOnLibsWithTags: allow('scope:invoicing', 'scope:shared', 'type:messages'),
      },
      {
        sourceTag: 'scope:receivables',
        onlyDependOnLibsWithTags: allow('scope:receivables', 'scope:shared', 'type:messages'),
      },
      { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: allow('scope:shared') },
    ],
  };
}

export default tseslint.config(
  {
    ignores: [
      'node_modules',
      'dist',
      'data',
      'coverage',
      '.nx',
      'infra/target',
      '**/*.js',
      '**/*.mjs',
    ],
  },
  ...nx.configs['flat/base'],
  ...tseslint.configs.recommendedTypeChecked,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      // Nest decorates classes that type-aware rules cannot see through; the rest stay on.
      '@typescript-eslint/no-extraneous-class': 'off',
      '@nx/enforce-module-boundaries': ['error', boundaries([])],
      // Port methods are async by contract; in-memory adapters answer without awaiting anything.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Specs, the scenario and the crash suites' helpers read untyped HTTP bodies; they may use the
    // testing lib.
    files: [
      '**/*.spec.ts',
      'libs/shared/testing/**/*.ts',
      'tools/**/*.ts',
      'apps/*/src/testing/**/*.ts',
      'apps/*/src/crash/**/*.ts',
      'apps/*/src/bad-input/**/*.ts',
    ],
    rules: {
      '@nx/enforce-module-boundaries': ['error', boundaries(['type:testing'])],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
    },
  },
  prettier,
);

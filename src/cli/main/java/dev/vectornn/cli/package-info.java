/**
 * The {@code vectornn} command line (picocli): {@code info}, and later {@code train},
 * {@code generate}, {@code eval}, {@code gradcheck}. Depends on every core package; nothing
 * depends on it. The only place in the project that prints.
 */
package dev.vectornn.cli;

// A development mail catcher: an SMTP server on 127.0.0.1 (port SMTP_PORT, default 1025) that
// accepts every mail and appends it to a log file, links included, so sign-up and password
// reset can be tried by hand without a real mail provider. `npm run services` starts it.
const { appendFileSync } = require('node:fs');
const { SMTPServer } = require('smtp-server');
const { simpleParser } = require('mailparser');

const port = Number(process.env.SMTP_PORT || 1025);
const logFile = process.argv[2] || 'mail.log';

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  onData(stream, _session, callback) {
    simpleParser(stream)
      .then((mail) => {
        const entry = [
          `--- ${new Date().toISOString()}`,
          `To: ${
            mail.to
              ? []
                  .concat(mail.to)
                  .map((a) => a.text)
                  .join(', ')
              : ''
          }`,
          `Subject: ${mail.subject ?? ''}`,
          '',
          (mail.text ?? '').trim(),
          '',
        ].join('\n');
        appendFileSync(logFile, `${entry}\n`);
        callback();
      })
      .catch(callback);
  },
});
server.listen(port, '127.0.0.1', () =>
  console.log(`mail catcher on 127.0.0.1:${port}, writing ${logFile}`),
);

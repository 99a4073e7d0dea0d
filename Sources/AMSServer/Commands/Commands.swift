import Vapor

/// The grouped commands: `ams user create`, `ams agency create`, `ams mail deliver`, `ams audit verify`, `ams ca init`, `ams crl publish`, `ams dev seed`.
func registerCommands(_ app: Application) {
    var user = AsyncCommands()
    user.use(UserCreateCommand(), as: "create")
    app.asyncCommands.use(user.group(help: "Manage accounts"), as: "user")
    var agency = AsyncCommands()
    agency.use(AgencyCreateCommand(), as: "create")
    agency.use(AgencyUpdateCommand(), as: "update")
    app.asyncCommands.use(agency.group(help: "Manage agencies"), as: "agency")
    var mail = AsyncCommands()
    mail.use(MailDeliverCommand(), as: "deliver")
    app.asyncCommands.use(mail.group(help: "Mail outbox"), as: "mail")
    var audit = AsyncCommands()
    audit.use(AuditVerifyCommand(), as: "verify")
    app.asyncCommands.use(audit.group(help: "Audit log"), as: "audit")
    var ca = AsyncCommands()
    ca.use(CAInitCommand(), as: "init")
    app.asyncCommands.use(ca.group(help: "Certificate authority"), as: "ca")
    var crl = AsyncCommands()
    crl.use(CRLPublishCommand(), as: "publish")
    app.asyncCommands.use(crl.group(help: "Certificate revocation lists"), as: "crl")
    var dev = AsyncCommands()
    dev.use(DevSeedCommand(), as: "seed")
    app.asyncCommands.use(dev.group(help: "Development and trials"), as: "dev")
}
